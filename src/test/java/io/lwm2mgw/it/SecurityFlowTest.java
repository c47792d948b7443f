package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HexFormat;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CoAPS with each security mode, identities bound to endpoint names, a PSK rotated in the credentials file
 * without a restart, bootstrap then registration, and a session kept across a NAT rebinding (Connection ID).
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class SecurityFlowTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] PSK_DEV_KEY = HexFormat.of().parseHex("0102030405060708");

    private int coapsPort;

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.events"};
    }

    @BeforeEach
    void freshCredentials() {
        coapsPort = lwm2m.secureBoundPort().orElseThrow();
        SecurityProfile.write(SecurityProfile.credentials("1111111111", coapsPort));
        lwm2m.reloadCredentials();
    }

    @Test
    void a_psk_device_registers_over_coaps() {
        try (TestDevice device = givenDevice("psk-dev").withPsk("psk-dev-id", PSK_DEV_KEY).registeredAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/psk-dev/events/registered").isEmpty());
            assertThat(mqtt.last("lwm2m/psk-dev/status").orElseThrow().json().get("state").asText())
                    .isEqualTo("registered");
        }
    }

    @Test
    void an_rpk_device_registers_over_coaps() {
        try (TestDevice device = givenDevice("rpk-dev")
                .withRpk(SecurityProfile.der("rpk-dev-pub.pem"), SecurityProfile.der("rpk-dev.key"),
                        SecurityProfile.der("server-pub.pem"))
                .registeredAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/rpk-dev/events/registered").isEmpty());
        }
    }

    @Test
    void an_x509_device_registers_under_its_certificate_subject() {
        try (TestDevice device = givenDevice("x509-dev")
                .withX509(SecurityProfile.der("x509-dev.pem"), SecurityProfile.der("x509-dev.key"),
                        SecurityProfile.der("server.pem"))
                .registeredAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/x509-dev/events/registered").isEmpty());
        }
    }

    @Test
    void a_certificate_for_another_subject_is_refused_with_a_security_event() {
        try (TestDevice device = givenDevice("x509-dev")
                .withX509(SecurityProfile.der("x509-other.pem"), SecurityProfile.der("x509-other.key"),
                        SecurityProfile.der("server.pem"))
                .startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/x509-dev/events/security").isEmpty());
            assertThat(mqtt.last("lwm2m/x509-dev/events/security").orElseThrow().json().get("identity").asText())
                    .isEqualTo("x509:x509-other");
            assertThat(device.registered()).isFalse();
        }
    }

    @Test
    void a_psk_identity_used_for_another_endpoint_is_refused_and_published_only_as_a_security_event() {
        try (TestDevice impostor = givenDevice("psk-victim").withPsk("psk-dev-id", PSK_DEV_KEY).startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/psk-victim/events/security").isEmpty());
            MqttProbe.Received event = mqtt.last("lwm2m/psk-victim/events/security").orElseThrow();
            Contract.assertMqttMessage(event, "psk-victim", "lwm2m.security");
            JsonNode doc = event.json();
            assertThat(doc.get("outcome").asText()).isEqualTo("refused");
            assertThat(doc.get("identity").asText()).isEqualTo("psk:psk-dev-id");
            assertThat(doc.get("reason").asText()).contains("belongs to endpoint psk-dev");
            await().atMost(WAIT).until(() -> kafka.on("lwm2m.events", "psk-victim").stream()
                    .anyMatch(r -> r.json().get("event").asText().equals("security")));
            Contract.assertKafkaRecord(kafka.on("lwm2m.events", "psk-victim").get(0), "psk-victim",
                    "lwm2m.security");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() ->
                    !impostor.registered() && mqtt.on("lwm2m/psk-victim/status").isEmpty()
                            && mqtt.on("lwm2m/psk-victim/events/registered").isEmpty());
        }
    }

    @Test
    void an_endpoint_with_credentials_is_refused_over_plain_coap_with_4_03() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            assertThat(device.register("ep=psk-dev&lt=60&lwm2m=1.1&b=U", "</3/0>").getCode())
                    .isEqualTo(ResponseCode.FORBIDDEN);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/psk-dev/events/security").isEmpty());
            assertThat(mqtt.last("lwm2m/psk-dev/events/security").orElseThrow().json().get("identity").asText())
                    .isEqualTo("none");
            // a device without credentials is still served on plain CoAP
            assertThat(device.register("ep=plain-dev&lt=60&lwm2m=1.1&b=U", "</3/0>").getCode())
                    .isEqualTo(ResponseCode.CREATED);
        }
    }

    @Test
    void a_psk_rotated_in_the_file_takes_effect_without_restart() {
        byte[] oldKey = HexFormat.of().parseHex("1111111111");
        byte[] newKey = HexFormat.of().parseHex("2222222222");
        try (TestDevice before = givenDevice("rotating").withPsk("rotating-id", oldKey).registeredAt(coapsPort)) {
            SecurityProfile.write(SecurityProfile.credentials("2222222222", coapsPort));
            lwm2m.reloadCredentials();

            // its DTLS connection and session were dropped with the old key: its next update reaches nobody
            before.update();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> mqtt.on("lwm2m/rotating/events/updated").isEmpty());
        }

        try (TestDevice fresh = givenDevice("rotating").withPsk("rotating-id", newKey).registeredAt(coapsPort)) {
            assertThat(fresh.registered()).isTrue();
        }
        try (TestDevice stale = givenDevice("rotating").withPsk("rotating-id", oldKey).startedAt(coapsPort)) {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> !stale.registered());
        }
    }

    @Test
    void a_device_bootstraps_and_then_registers_with_the_psk_it_was_given() {
        byte[] bootstrapKey = HexFormat.of().parseHex("b007b007");
        try (TestDevice device = givenDevice("boot-1").bootstrappingWithPsk("boot-1-id", bootstrapKey)
                .startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-1/events/bootstrap").isEmpty());
            JsonNode bootstrap = mqtt.last("lwm2m/boot-1/events/bootstrap").orElseThrow().json();
            assertThat(bootstrap.get("outcome").asText()).isEqualTo("finished");
            assertThat(bootstrap.get("servers").get(0).asText()).isEqualTo("coaps://127.0.0.1:" + coapsPort);

            await().atMost(WAIT).until(device::registered);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-1/status").isEmpty());
            JsonNode status = mqtt.last("lwm2m/boot-1/status").orElseThrow().json();
            assertThat(status.get("state").asText()).isEqualTo("registered");
            assertThat(status.get("lifetime").asLong()).as("the lifetime written at bootstrap").isEqualTo(120);
            await().atMost(WAIT).until(() -> kafka.on("lwm2m.events", "boot-1").stream()
                    .anyMatch(r -> r.json().get("event").asText().equals("bootstrap")));
        }
    }

    @Test
    void a_device_keeps_its_dtls_session_when_its_source_port_changes() {
        byte[] key = HexFormat.of().parseHex("0b0b0b0b0b0b");
        try (UdpProxy nat = new UdpProxy(coapsPort);
                TestDevice device = givenDevice("nat-dev").withPsk("nat-dev-id", key).registeredAt(nat.port())) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/nat-dev/events/registered").isEmpty());
            int handshakesBefore = nat.handshakeRecordsFromDevice();
            nat.changeSourcePort();

            device.update();

            String newAddress = "127.0.0.1:" + nat.sourcePort();
            await().atMost(WAIT).until(() -> mqtt.on("lwm2m/nat-dev/events/updated").stream()
                    .anyMatch(m -> m.json().get("address").asText().equals(newAddress)));
            assertThat(nat.handshakeRecordsFromDevice()).as("no new handshake: the Connection ID carried the session")
                    .isEqualTo(handshakesBefore);
        }
    }

    @Test
    void a_bootstrap_that_cannot_be_completed_is_published_as_failed_and_the_device_stays_unregistered() {
        // boot-* asks for the device's PSK, but boot-plain has no credentials: the writes cannot be made
        try (TestDevice device = givenDevice("boot-plain").bootstrappingWithoutSecurity().startedAt(port)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-plain/events/bootstrap").isEmpty());
            JsonNode bootstrap = mqtt.last("lwm2m/boot-plain/events/bootstrap").orElseThrow().json();
            assertThat(bootstrap.get("outcome").asText()).isEqualTo("failed");
            assertThat(bootstrap.get("error").asText()).contains("boot-plain has no PSK");
            assertThat(device.registered()).isFalse();
        }
    }
}
