package io.lwm2mgw.southbound.lwm2m.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.RegistrationRefused;
import java.net.InetSocketAddress;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.Test;

class EndpointAuthorizerTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final PublicKey rpk = keyPair();
    private final CredentialStore store = new CredentialStore();
    private final List<DeviceEvent> events = new ArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final EndpointAuthorizer authorizer = new EndpointAuthorizer(store, events::add, clock,
            Duration.ofMinutes(10));

    EndpointAuthorizerTest() {
        store.replace(new Credentials(Map.of(
                "a", DeviceCredentials.psk("a", "a-id", new byte[] {1}),
                "b", DeviceCredentials.rpk("b", rpk),
                "c", DeviceCredentials.x509("c", "cert-c")), List.of()));
    }

    private static PublicKey keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair().getPublic();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IpPeer peer(LwM2mIdentity identity) {
        return identity == null ? new IpPeer(new InetSocketAddress("192.0.2.1", 40000))
                : new IpPeer(new InetSocketAddress("192.0.2.1", 40000), identity);
    }

    @Test
    void each_identity_may_use_its_own_endpoint() {
        assertThat(authorizer.check("a", peer(new PskIdentity("a-id")))).isEmpty();
        assertThat(authorizer.check("b", peer(new RpkIdentity(rpk)))).isEmpty();
        assertThat(authorizer.check("c", peer(new X509Identity("cert-c")))).isEmpty();
        assertThat(authorizer.check("plain", peer(null))).as("no credentials, no security: NoSec").isEmpty();
        assertThat(authorizer.check("d", peer(new X509Identity("d"))))
                .as("a trusted certificate may use the endpoint its CN names").isEmpty();
    }

    @Test
    void an_identity_may_not_use_another_endpoint() {
        assertThat(authorizer.check("b", peer(new PskIdentity("a-id"))))
                .contains("identity psk:a-id belongs to endpoint a");
        assertThat(authorizer.check("a", peer(new RpkIdentity(rpk)))).get().asString()
                .startsWith("identity rpk:").endsWith("belongs to endpoint b");
        assertThat(authorizer.check("a", peer(new X509Identity("cert-c"))))
                .contains("identity x509:cert-c belongs to endpoint c");
        assertThat(authorizer.check("c", peer(new X509Identity("c"))))
                .as("the CN names the endpoint, but the endpoint's credential is another subject")
                .contains("certificate CN c is not the credential of c");
        assertThat(authorizer.check("a", peer(null)))
                .contains("endpoint a requires PSK over CoAPS, the device used no security");
        assertThat(authorizer.check("a", peer(new RpkIdentity(keyPair()))).orElseThrow())
                .contains("belongs to no device");
    }

    @Test
    void credentials_removed_from_the_store_are_refused_at_once() {
        store.replace(Credentials.empty());

        assertThat(authorizer.check("a", peer(new PskIdentity("a-id"))))
                .contains("PSK identity a-id has no credentials any more");
    }

    @Test
    void a_refusal_is_published_once_per_source_and_interval() {
        authorizer.refuse("b", peer(new PskIdentity("a-id")), "identity psk:a-id belongs to endpoint a");
        now.set(T0.plusSeconds(5));
        authorizer.refuse("b", peer(new PskIdentity("a-id")), "identity psk:a-id belongs to endpoint a");
        now.set(T0.plus(Duration.ofMinutes(10)));
        authorizer.refuse("b", peer(new PskIdentity("a-id")), "identity psk:a-id belongs to endpoint a");

        assertThat(events).hasSize(2).allSatisfy(e -> {
            RegistrationRefused refused = (RegistrationRefused) e;
            assertThat(refused.endpoint().value()).isEqualTo("b");
            assertThat(refused.identity()).isEqualTo("psk:a-id");
            assertThat(refused.address()).isEqualTo("192.0.2.1:40000");
        });
        assertThat(events.get(1).time()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(authorizer.suppressed()).isEqualTo(1);
    }

    @Test
    void five_hundred_refused_plain_attempts_from_one_socket_make_one_event_and_are_counted() {
        for (int i = 0; i < 500; i++) {
            now.set(T0.plusMillis(i * 10L));
            authorizer.refuse("a", peer(null), "endpoint a requires PSK over CoAPS, the device used no security");
        }
        // another device (another socket) is not silenced by the flood
        authorizer.refuse("a", new IpPeer(new InetSocketAddress("192.0.2.9", 40000)), "no security");

        assertThat(events).hasSize(2);
        assertThat(authorizer.suppressed()).isEqualTo(499);
    }

    private static Registration plainRegistration(String address, int port) {
        IpPeer at = new IpPeer(new InetSocketAddress(address, port));
        return new Registration.Builder("reg-7", "plain-7", at, new EndpointUri("coap", "0.0.0.0", 5683))
                .lifeTimeInSec(300L).bindingMode(java.util.EnumSet.of(BindingMode.U))
                .lwM2mVersion(org.eclipse.leshan.core.LwM2m.LwM2mVersion.V1_1).build();
    }

    private EndpointAuthorizer authorizer(boolean refuse) {
        return new EndpointAuthorizer(store, events::add, clock, Duration.ofMinutes(10), refuse,
                new java.util.concurrent.atomic.LongAdder());
    }

    @Test
    void an_update_of_a_plain_registration_from_another_address_is_refused_when_so_configured() throws Exception {
        Registration registered = plainRegistration("192.0.2.1", 40000);
        EndpointUri coap = registered.getEndpointUri();
        IpPeer stranger = new IpPeer(new InetSocketAddress("198.51.100.66", 5683));
        UpdateRequest update = new UpdateRequest("reg-7", null, null, null, null, null);

        assertThat(authorizer(true).isAuthorized(update, registered, stranger, coap)
                .isApproved()).as("a take-over").isFalse();
        assertThat(authorizer(true).isAuthorized(new DeregisterRequest("reg-7"),
                registered, new IpPeer(new InetSocketAddress("198.51.100.67", 5683)), coap).isApproved()).isFalse();
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(((RegistrationRefused) e).reason())
                .contains("made from 192.0.2.1:40000 without security"));

        assertThat(authorizer(true).isAuthorized(update, registered,
                new IpPeer(new InetSocketAddress("192.0.2.1", 40000)), coap).isApproved())
                .as("the device at its own address").isTrue();
        assertThat(authorizer(false).isAuthorized(update, registered, stranger, coap)
                .isApproved()).as("accept: NAT rebinding keeps working").isTrue();
    }

    @Test
    void a_secure_registration_may_move_since_its_identity_proves_the_device() throws Exception {
        Registration registered = new Registration.Builder("reg-8", "a",
                new IpPeer(new InetSocketAddress("192.0.2.1", 40000), new PskIdentity("a-id")),
                new EndpointUri("coaps", "0.0.0.0", 5684)).lifeTimeInSec(300L)
                .bindingMode(java.util.EnumSet.of(BindingMode.U))
                .lwM2mVersion(org.eclipse.leshan.core.LwM2m.LwM2mVersion.V1_1).build();
        IpPeer moved = new IpPeer(new InetSocketAddress("198.51.100.5", 1234), new PskIdentity("a-id"));

        assertThat(authorizer(true).isAuthorized(
                new UpdateRequest("reg-8", null, null, null, null, null), registered, moved,
                registered.getEndpointUri()).isApproved()).isTrue();
    }

    @Test
    void a_changed_or_removed_credential_is_reported_compromised_so_its_connections_are_dropped() {
        List<String> dropped = new ArrayList<>();
        store.addListener((compromised, infos) -> {
            assertThat(compromised).isTrue();
            for (SecurityInfo info : infos) {
                dropped.add(info.getEndpoint());
            }
        });

        store.replace(new Credentials(Map.of(
                "a", DeviceCredentials.psk("a", "a-id", new byte[] {2}),
                "b", DeviceCredentials.rpk("b", rpk)), List.of()));

        assertThat(dropped).containsExactlyInAnyOrder("a", "c");
        assertThat(store.getByIdentity("a-id").getPreSharedKey()).containsExactly(2);
        assertThat(store.getByEndpoint("c")).isNull();
    }
}
