package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.leshan.core.LwM2m.LwM2mVersion;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistrationMapperTest {

    private static final DeviceStatus BEFORE = new DeviceStatus(EndpointName.of("dev-1"), DeviceState.REGISTERED,
            "reg-1", "1.1", "U", 300, false, "192.0.2.7:56830", Optional.empty(), Optional.empty(), List.of("/3/0"));

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(nullValues = "null", value = {"null, /", "'', /", "/, /", "/lwm2m, /lwm2m", "/lwm2m/, /lwm2m",
        "/a/b/, /a/b"})
    void root_path_drops_a_trailing_slash_and_defaults_to_slash(String raw, String root) {
        assertThat(RegistrationMapper.rootPath(raw)).isEqualTo(root);
    }

    @Test
    void objects_skips_the_root_link_and_links_that_name_no_object_or_instance() {
        Link[] links = {new Link("/"), new Link("/1/0"), new Link("/3/0"), new Link("/3/0/1"), new Link("/3303"),
            new Link("/foo"), new Link("/3/0/7/1")};

        assertThat(RegistrationMapper.objects(links, "/")).containsExactly("/1/0", "/3/0", "/3303");
    }

    @Test
    void objects_strips_the_alternate_path() {
        Link[] links = {new Link("/lwm2m"), new Link("/lwm2m/1/0"), new Link("/lwm2m/3/0"), new Link("/lwm2m/3303")};

        assertThat(RegistrationMapper.objects(links, "/lwm2m")).containsExactly("/1/0", "/3/0", "/3303");
        assertThat(RegistrationMapper.objects(links, "/lwm2m/")).containsExactly("/1/0", "/3/0", "/3303");
    }

    @Test
    void objects_of_a_registration_without_links_is_empty() {
        assertThat(RegistrationMapper.objects(null, "/")).isEmpty();
        assertThat(RegistrationMapper.objects(new Link[0], "/")).isEmpty();
    }

    @Test
    void binding_lists_the_letters_in_leshans_order_whatever_the_insertion_order() {
        assertThat(RegistrationMapper.binding(EnumSet.of(BindingMode.U))).isEqualTo("U");
        assertThat(RegistrationMapper.binding(EnumSet.of(BindingMode.Q, BindingMode.U))).isEqualTo("UQ");
        assertThat(RegistrationMapper.binding(EnumSet.of(BindingMode.N, BindingMode.S, BindingMode.T, BindingMode.U)))
                .isEqualTo("UTSN");
    }

    @Test
    void address_brackets_ipv6_and_keeps_the_port() throws UnknownHostException {
        assertThat(RegistrationMapper.address(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 56830)))
                .isEqualTo("192.0.2.7:56830");
        assertThat(RegistrationMapper.address(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 5683)))
                .isEqualTo("[2001:db8:0:0:0:0:0:1]:5683");
        assertThat(RegistrationMapper.address(null)).isEmpty();
    }

    @Test
    void changes_is_empty_when_nothing_changed() {
        assertThat(RegistrationMapper.changes(BEFORE, BEFORE)).isEmpty();
        assertThat(RegistrationMapper.changes(BEFORE, BEFORE.withState(DeviceState.AWAKE))).isEmpty();
    }

    @Test
    void changes_lists_only_the_changed_fields_with_their_new_values() {
        DeviceStatus after = new DeviceStatus(BEFORE.endpoint(), DeviceState.REGISTERED, "reg-1", "1.1", "U", 600,
                false, "192.0.2.7:40001", Optional.empty(), Optional.empty(), List.of("/3/0"));

        assertThat(RegistrationMapper.changes(BEFORE, after))
                .containsOnly(entry("lifetime", 600L), entry("address", "192.0.2.7:40001"),
                        entry("previousAddress", "192.0.2.7:56830"));
    }

    @Test
    void changes_reports_binding_sms_number_and_objects() {
        DeviceStatus withSms = new DeviceStatus(BEFORE.endpoint(), DeviceState.REGISTERED, "reg-1", "1.1", "US", 300,
                false, "192.0.2.7:56830", Optional.of("+15550100"), Optional.empty(), List.of("/3/0", "/3303/0"));

        assertThat(RegistrationMapper.changes(BEFORE, withSms)).containsOnlyKeys("binding", "smsNumber", "objects")
                .containsEntry("binding", "US")
                .containsEntry("smsNumber", "+15550100")
                .containsEntry("objects", List.of("/3/0", "/3303/0"));
        assertThat(RegistrationMapper.changes(withSms, BEFORE)).containsEntry("smsNumber", "");
    }

    @Test
    void changes_reports_a_switch_to_queue_mode() {
        DeviceStatus queued = new DeviceStatus(BEFORE.endpoint(), DeviceState.REGISTERED, "reg-1", "1.0", "UQ", 300,
                true, BEFORE.address(), BEFORE.smsNumber(), BEFORE.alternatePath(), BEFORE.objects());

        assertThat(RegistrationMapper.changes(BEFORE, queued)).containsEntry("queueMode", true)
                .containsEntry("binding", "UQ");
    }

    @Test
    void maps_a_leshan_registration_into_a_status() throws UnknownHostException {
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 56830);
        Registration reg = new Registration.Builder("reg-1", "urn:imei:1/2", new IpPeer(peer),
                new EndpointUri("coap", "127.0.0.1", 5683))
                .lwM2mVersion(LwM2mVersion.V1_1)
                .bindingMode(EnumSet.of(BindingMode.U))
                .queueMode(true)
                .lifeTimeInSec(300L)
                .smsNumber("")
                .rootPath("/lwm2m/")
                .objectLinks(new Link[] {new Link("/lwm2m"), new Link("/lwm2m/1/0"), new Link("/lwm2m/3/0")})
                .build();

        DeviceStatus status = RegistrationMapper.toStatus(reg, DeviceState.REGISTERED);

        assertThat(status).isEqualTo(new DeviceStatus(EndpointName.of("urn:imei:1/2"), DeviceState.REGISTERED, "reg-1",
                "1.1", "U", 300, true, "192.0.2.7:56830", Optional.empty(), Optional.of("/lwm2m"),
                List.of("/1/0", "/3/0")));
    }
}
