package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.leshan.core.LwM2m;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.junit.jupiter.api.Test;

class SharedRegistrationPartsTest {

    private final SharedRegistrationParts parts = new SharedRegistrationParts();

    private static Registration registration(String id, String endpoint, int port) throws Exception {
        return new Registration.Builder(id, endpoint,
                new IpPeer(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), port)),
                new EndpointUri("coap", "127.0.0.1", 5683))
                .registrationDate(new Date(1_700_000_000_000L))
                .lifeTimeInSec(300L)
                .lwM2mVersion(LwM2m.LwM2mVersion.V1_1)
                .bindingMode(EnumSet.of(BindingMode.U))
                .objectLinks(new LenientLinkParser().parseCoreLinkFormat(
                        "</>;rt=\"oma.lwm2m\",</1/0>,</3/0>,</3303/0>".getBytes(StandardCharsets.UTF_8)))
                .supportedContentFormats(ContentFormat.TLV, ContentFormat.SENML_JSON)
                .supportedObjects(Map.of(1, new LwM2m.Version("1.1"), 3303, new LwM2m.Version("1.1")))
                .availableInstances(Set.of(new LwM2mPath("/1/0"), new LwM2mPath("/3/0"), new LwM2mPath("/3303/0")))
                .build();
    }

    @Test
    void devices_that_announce_the_same_links_share_them_and_stay_equal_to_what_leshan_built() throws Exception {
        Registration first = registration("r1", "ep-1", 40001);
        Registration second = registration("r2", "ep-2", 40002);

        Registration a = parts.compact(first);
        Registration b = parts.compact(second);

        assertThat(a).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(b).isEqualTo(second);
        assertThat(b.getObjectLinks()).isSameAs(a.getObjectLinks());
        assertThat(b.getSupportedObject()).isSameAs(a.getSupportedObject());
        assertThat(b.getAvailableInstances()).isSameAs(a.getAvailableInstances());
        assertThat(b.getSupportedContentFormats()).isSameAs(a.getSupportedContentFormats());
        assertThat(b.getEndpointUri()).isSameAs(a.getEndpointUri());
        assertThat(b.getSocketAddress()).isEqualTo(second.getSocketAddress());
    }

    @Test
    void an_update_keeps_the_registration_compact_and_applies_what_changed() throws Exception {
        Registration held = parts.compact(registration("r1", "ep-1", 40001));
        Link[] newLinks = new LenientLinkParser().parseCoreLinkFormat("</1/0>,</3/0>".getBytes(StandardCharsets.UTF_8));
        RegistrationUpdate update = new RegistrationUpdate("r1", held.getClientTransportData(), 600L, null, null,
                newLinks, null, null, null, null, null, null);

        Registration updated = parts.compacting(update).update(held);

        Registration leshans = update.update(held);
        assertThat(new Registration.Builder(updated).lastUpdate(leshans.getLastUpdate()).build()).isEqualTo(leshans);
        assertThat(updated.getLifeTimeInSec()).isEqualTo(600L);
        assertThat(updated.getObjectLinks()).containsExactly(newLinks);
        Registration other = parts.compact(new Registration.Builder(updated).build());
        assertThat(other.getObjectLinks()).isSameAs(updated.getObjectLinks());
    }

    @Test
    void an_observation_keeps_its_serialized_form_and_equality() {
        EndpointUri server = new EndpointUri("coap", "127.0.0.1", 5683);
        SingleObservation observation = new SingleObservation(new ObservationIdentifier(server, new byte[] {1, 2, 3}),
                "r1", new LwM2mPath("/3303/0/5700"), ContentFormat.SENML_CBOR, Map.of(),
                Map.of("leshan-cf-obs", "{\"request\":\"48\"}"));

        Observation compact = parts.compact(observation);

        assertThat(compact).isEqualTo(observation).hasSameHashCodeAs(observation);
        assertThat(compact.getProtocolData()).isEqualTo(observation.getProtocolData());
        assertThat(compact.getContext()).isEmpty();
        assertThat(((SingleObservation) compact).getPath()).isEqualTo(observation.getPath());
        assertThat(parts.compact(compact)).isSameAs(compact);
    }

    @Test
    void the_shared_values_are_bounded() throws Exception {
        for (int i = 0; i < SharedRegistrationParts.MAX_SHAPES * 10; i++) {
            parts.compact(new Registration.Builder(registration("r" + i, "ep-" + i, 40000))
                    .rootPath("/root-" + i).build());
        }
        assertThat(parts.size()).isLessThanOrEqualTo(SharedRegistrationParts.MAX_SHAPES * 8);
    }
}
