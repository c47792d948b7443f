package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.northbound.kafka.KafkaCommandSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials provisioned by applications ({@code credentials-put} / {@code credentials-delete}, enabled in the
 * security profile): a device that had none is let in over CoAPS once they are put, over MQTT and over Kafka;
 * replacing them locks out the old key, removing them locks the device out; what the credentials file holds
 * cannot be overridden; bad input is answered {@code invalid}; no result carries key material.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class CredentialProvisioningTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KafkaCommandSource kafkaCommands;

    private int coapsPort;
    private Mqtt5BlockingClient app;

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.command-results"};
    }

    @BeforeEach
    void connect() {
        coapsPort = lwm2m.secureBoundPort().orElseThrow();
        SecurityProfile.write(SecurityProfile.credentials("1111111111", coapsPort));
        lwm2m.reloadCredentials();
        app = MqttClient.builder().useMqttVersion5().identifier("prov-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
    }

    @AfterEach
    void disconnect() {
        app.disconnect();
    }

    private JsonNode command(String endpoint, String op, String body) {
        String id = "p-" + UUID.randomUUID();
        app.publishWith().topic("lwm2m/" + endpoint + "/commands/" + op).qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"id\":\"" + id + "\"" + (body.isEmpty() ? "" : "," + body) + "}")
                        .getBytes(StandardCharsets.UTF_8)).send();
        String topic = "lwm2m/" + endpoint + "/results/" + op;
        await().atMost(WAIT).until(() -> mqtt.on(topic).stream().anyMatch(m -> id.equals(m.json().path("id").asText())));
        JsonNode result = mqtt.on(topic).stream().filter(m -> id.equals(m.json().path("id").asText())).findFirst()
                .orElseThrow().json();
        assertThat(result.toString()).doesNotContain("c0ffee").doesNotContain("5ec7e7");
        return result;
    }

    @Test
    void a_psk_put_over_mqtt_lets_the_device_in_a_new_key_replaces_it_and_delete_locks_it_out() {
        String ep = "prov-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] first = HexFormat.of().parseHex("c0ffeec0ffee");
        byte[] second = HexFormat.of().parseHex("5ec7e75ec7e7");

        // unknown to the gateway: the handshake fails, nothing registers
        try (TestDevice early = givenDevice(ep).withPsk(ep + "-id", first).startedAt(coapsPort)) {
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !early.registered());
        }

        JsonNode put = command(ep, "credentials-put", "\"psk\":{\"identity\":\"" + ep + "-id\",\"key\":\"c0ffeec0ffee\"}");
        assertThat(put.get("status").asText()).isEqualTo("success");
        assertThat(put.get("op").asText()).isEqualTo("credentials-put");
        try (TestDevice device = givenDevice(ep).withPsk(ep + "-id", first).registeredAt(coapsPort)) {
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status")
                    .map(m -> m.json().get("state").asText()).orElse("").equals("registered"));

            // replaced: the registration and the live session made with the old key end, the old key no
            // longer works
            assertThat(command(ep, "credentials-put", "\"psk\":{\"identity\":\"" + ep + "-id\",\"key\":\"5ec7e75ec7e7\"}")
                    .get("status").asText()).isEqualTo("success");
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status")
                    .map(m -> m.json().get("state").asText()).orElse("").equals("deregistered"));
            assertThat(mqtt.on("lwm2m/" + ep + "/events/deregistered")).hasSize(1);
            device.update();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> mqtt.on("lwm2m/" + ep + "/events/updated").isEmpty());
        }
        try (TestDevice renewed = givenDevice(ep).withPsk(ep + "-id", second).registeredAt(coapsPort)) {
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status")
                    .map(m -> m.json().get("state").asText()).orElse("").equals("registered"));

            // removed while registered: the registration ends at once
            assertThat(command(ep, "credentials-delete", "").get("status").asText()).isEqualTo("success");
            await().atMost(WAIT).until(() -> mqtt.on("lwm2m/" + ep + "/events/deregistered").size() == 2);
        }
        try (TestDevice removed = givenDevice(ep).withPsk(ep + "-id", second).startedAt(coapsPort)) {
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !removed.registered());
        }
        // deleting again is not an error: a redelivered delete finds nothing to do
        assertThat(command(ep, "credentials-delete", "").get("status").asText()).isEqualTo("success");
    }

    @Test
    void credentials_put_over_kafka_gets_its_result_on_kafka() throws Exception {
        await().atMost(WAIT).until(kafkaCommands::assigned);
        String ep = "prov-k-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, String> producer = TestBrokers.kafkaProducer()) {
            producer.send(new ProducerRecord<>("lwm2m.commands", ep, "{\"id\":\"kp-1\",\"endpoint\":\"" + ep
                    + "\",\"op\":\"credentials-put\",\"psk\":{\"identity\":\"" + ep + "\",\"key\":\"0a0b0c0d\"}}")).get();
        }
        await().atMost(WAIT).until(() -> !kafka.on("lwm2m.command-results", ep).isEmpty());
        assertThat(kafka.on("lwm2m.command-results", ep).get(0).json().get("status").asText()).isEqualTo("success");
        try (TestDevice device = givenDevice(ep).withPsk(ep, HexFormat.of().parseHex("0a0b0c0d"))
                .registeredAt(coapsPort)) {
            assertThat(device.registered()).isTrue();
        }
    }

    @Test
    void bad_credentials_and_clashes_are_invalid_and_the_file_wins() {
        String ep = "prov-bad-" + UUID.randomUUID().toString().substring(0, 8);
        assertInvalid(ep, "\"psk\":{\"identity\":\"x\",\"key\":\"not-hex\"}", "'psk.key' is not hexadecimal");
        assertInvalid(ep, "\"psk\":{\"identity\":\"x\"}", "missing 'psk.key'");
        assertInvalid(ep, "\"rpk\":{\"publicKey\":\"AAAA\"}", "not a DER SubjectPublicKeyInfo");
        assertInvalid(ep, "", "exactly one of 'psk', 'rpk', 'x509'");
        assertInvalid(ep, "\"psk\":{\"identity\":\"a\",\"key\":\"01\"},\"x509\":{}", "exactly one of");
        // psk-dev-id belongs to psk-dev in the credentials file
        assertInvalid(ep, "\"psk\":{\"identity\":\"psk-dev-id\",\"key\":\"0102\"}",
                "PSK identity psk-dev-id is already used by endpoint psk-dev");
        assertInvalid("psk-dev", "\"psk\":{\"identity\":\"other\",\"key\":\"0102\"}",
                "endpoint psk-dev has credentials in the credentials file: change them there");
        assertThat(command("psk-dev", "credentials-delete", "").get("error").asText())
                .contains("has credentials in the credentials file");
        // the file's device is still served with its own key
        try (TestDevice device = givenDevice("psk-dev").withPsk("psk-dev-id", HexFormat.of().parseHex("0102030405060708"))
                .registeredAt(coapsPort)) {
            assertThat(device.registered()).isTrue();
        }
    }

    private void assertInvalid(String ep, String body, String error) {
        JsonNode result = command(ep, "credentials-put", body);
        assertThat(result.get("status").asText()).as(body).isEqualTo("invalid");
        assertThat(result.get("error").asText()).as(body).contains(error);
    }
}
