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
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
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
    void every_refusal_is_published_and_repeats_are_logged_again_only_after_the_interval() {
        authorizer.refuse("b", peer(new PskIdentity("a-id")), "identity psk:a-id belongs to endpoint a");
        now.set(T0.plusSeconds(5));
        authorizer.refuse("b", peer(new PskIdentity("a-id")), "identity psk:a-id belongs to endpoint a");

        assertThat(events).hasSize(2).allSatisfy(e -> {
            RegistrationRefused refused = (RegistrationRefused) e;
            assertThat(refused.endpoint().value()).isEqualTo("b");
            assertThat(refused.identity()).isEqualTo("psk:a-id");
            assertThat(refused.address()).isEqualTo("192.0.2.1:40000");
        });
        assertThat(events.get(1).time()).isEqualTo(T0.plusSeconds(5));
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
