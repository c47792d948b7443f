package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap that hands out RPK and X.509 credentials: a Leshan client that knows only the bootstrap server gets
 * the gateway's Security instance with its own keys from the credentials file and the gateway's public key or
 * certificate, then registers over CoAPS with exactly those; with {@code "acl": true} the Access Control
 * instances are written too. The RPK device's key pair is made for each run, so no fixture can stand in for
 * what the bootstrap wrote.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class BootstrapSecurityFlowTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private int coapsPort;
    private KeyPair rpk;
    /** A device whose entry gives only its public key: enough to be let in, not to be bootstrapped over RPK. */
    private KeyPair stranger;

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.events"};
    }

    @BeforeEach
    void credentials() throws Exception {
        coapsPort = lwm2m.secureBoundPort().orElseThrow();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        rpk = generator.generateKeyPair();
        stranger = generator.generateKeyPair();
        Base64.Encoder b64 = Base64.getEncoder();
        String server = "{\"uri\": \"coaps://127.0.0.1:" + coapsPort + "\", \"shortServerId\": 9, \"lifetime\": 130,"
                + " \"binding\": \"U\", \"security\": ";
        SecurityProfile.write("{\"devices\": ["
                + "{\"endpoint\": \"boot-rpk\", \"rpk\": {\"publicKey\": \"" + b64.encodeToString(rpk.getPublic().getEncoded())
                + "\", \"privateKey\": \"" + b64.encodeToString(rpk.getPrivate().getEncoded()) + "\"}},"
                + "{\"endpoint\": \"boot-rpk-nokey\", \"rpk\": {\"publicKey\": \""
                + b64.encodeToString(stranger.getPublic().getEncoded()) + "\"}},"
                + "{\"endpoint\": \"x509-dev\", \"x509\": {\"certificate\": \""
                + b64.encodeToString(SecurityProfile.der("x509-dev.pem")) + "\", \"privateKey\": \""
                + b64.encodeToString(SecurityProfile.der("x509-dev.key")) + "\"}}],"
                + "\"bootstrap\": ["
                + "{\"endpoint\": \"boot-rpk*\", \"servers\": [" + server + "\"rpk\"}], \"acl\": true},"
                + "{\"endpoint\": \"x509-dev\", \"servers\": [" + server + "\"x509\"}]}]}");
        lwm2m.reloadCredentials();
    }

    @Test
    void a_device_bootstraps_over_rpk_gets_its_keys_and_access_control_and_registers_with_them() {
        try (TestDevice device = givenDevice("boot-rpk").withAccessControl()
                .bootstrappingWithRpk(rpk.getPublic().getEncoded(), rpk.getPrivate().getEncoded(),
                        SecurityProfile.der("server-pub.pem"))
                .startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-rpk/events/bootstrap").isEmpty());
            assertThat(mqtt.last("lwm2m/boot-rpk/events/bootstrap").orElseThrow().json().get("outcome").asText())
                    .isEqualTo("finished");

            await().atMost(WAIT).until(device::registered);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-rpk/status").isEmpty());
            JsonNode status = mqtt.last("lwm2m/boot-rpk/status").orElseThrow().json();
            assertThat(status.get("lifetime").asLong()).as("the lifetime written at bootstrap").isEqualTo(130);
            assertThat(status.get("objects").toString()).contains("\"/2/0\"", "\"/2/1\"");

            JsonNode acl = read("boot-rpk", "/2");
            assertThat(acl.get("status").asText()).isEqualTo("success");
            JsonNode values = acl.get("values");
            // /2/0 guards the server's own Server instance /1/0, /2/1 the Device instance /3/0
            assertThat(values.get("/2/0/0").asLong()).isEqualTo(1);
            assertThat(values.get("/2/0/1").asLong()).isEqualTo(0);
            assertThat(values.get("/2/0/2/9").asLong()).isEqualTo(15);
            assertThat(values.get("/2/0/3").asLong()).isEqualTo(9);
            assertThat(values.get("/2/1/0").asLong()).isEqualTo(3);
            assertThat(values.get("/2/1/2/9").asLong()).isEqualTo(15);
        }
    }

    @Test
    void a_device_bootstraps_with_its_certificate_and_registers_over_x509_with_what_it_was_given() {
        try (TestDevice device = givenDevice("x509-dev")
                .bootstrappingWithX509(SecurityProfile.der("x509-dev.pem"), SecurityProfile.der("x509-dev.key"),
                        SecurityProfile.der("server.pem"))
                .startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/x509-dev/events/bootstrap").isEmpty());
            assertThat(mqtt.last("lwm2m/x509-dev/events/bootstrap").orElseThrow().json().get("outcome").asText())
                    .isEqualTo("finished");
            await().atMost(WAIT).until(device::registered);
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/x509-dev/status")
                    .map(m -> m.json().get("lifetime").asLong() == 130).orElse(false));
        }
    }

    @Test
    void rpk_without_the_devices_private_key_fails_the_bootstrap_before_the_device_is_wiped() {
        try (TestDevice device = givenDevice("boot-rpk-nokey").withAccessControl()
                .bootstrappingWithRpk(stranger.getPublic().getEncoded(), stranger.getPrivate().getEncoded(),
                        SecurityProfile.der("server-pub.pem"))
                .startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-rpk-nokey/events/bootstrap").isEmpty());
            JsonNode event = mqtt.last("lwm2m/boot-rpk-nokey/events/bootstrap").orElseThrow().json();
            assertThat(event.get("outcome").asText()).isEqualTo("failed");
            assertThat(event.get("error").asText()).contains("boot-rpk-nokey has no rpk.privateKey");
            assertThat(device.registered()).isFalse();
        }
    }

    /** Sends a read over MQTT and returns its result. */
    private JsonNode read(String endpoint, String path) {
        Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("bs-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        try {
            String id = "r-" + UUID.randomUUID();
            app.publishWith().topic("lwm2m/" + endpoint + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"id\":\"" + id + "\",\"path\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8))
                    .send();
            String topic = "lwm2m/" + endpoint + "/results/read";
            await().atMost(WAIT).until(() -> mqtt.on(topic).stream().anyMatch(m -> id.equals(m.json().path("id").asText())));
            return mqtt.on(topic).stream().filter(m -> id.equals(m.json().path("id").asText())).findFirst()
                    .orElseThrow().json();
        } finally {
            app.disconnect();
        }
    }
}
