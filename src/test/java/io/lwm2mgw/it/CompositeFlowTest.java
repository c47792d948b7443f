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
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LwM2M 1.1 composite operations (Read-, Write-, Observe- and Cancel Observation-Composite) from MQTT and Kafka
 * against real Leshan 1.1 clients; a 1.0 device is refused by name of its version.
 */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class CompositeFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    Lwm2mEndpoint lwm2m;

    @Inject
    KafkaCommandSource kafkaCommands;

    private MqttProbe mqtt;
    private KafkaProbe kafka;
    private Mqtt5BlockingClient app;
    private TestDevice device;

    @BeforeEach
    void setUp() {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        kafka = new KafkaProbe(TestBrokers.kafkaBootstrap(), "lwm2m.command-results", "lwm2m.telemetry");
        app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        device = givenDevice("multi-" + UUID.randomUUID().toString().substring(0, 8)).withLight().withTemperature()
                .registeredAt(lwm2m.boundPort().orElseThrow());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        try {
            Contract.assertEveryMqttMessage(mqtt.matching(m -> !m.topic().contains("/commands/")
                    && !m.topic().contains("/results/")));
        } finally {
            device.close();
            app.disconnect();
            mqtt.close();
            kafka.close();
        }
    }

    private JsonNode command(String endpoint, String op, String json) {
        String id = "c-" + UUID.randomUUID();
        app.publishWith().topic("lwm2m/" + endpoint + "/commands/" + op).qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"id\":\"" + id + "\"," + json + "}").getBytes(StandardCharsets.UTF_8)).send();
        String resultTopic = "lwm2m/" + endpoint + "/results/" + op;
        await().atMost(WAIT).until(() -> mqtt.on(resultTopic).stream()
                .anyMatch(m -> id.equals(m.json().path("id").asText())));
        List<MqttProbe.Received> results = mqtt.on(resultTopic).stream()
                .filter(m -> id.equals(m.json().path("id").asText())).toList();
        assertThat(results).as("one result per command").hasSize(1);
        return results.get(0).json();
    }

    @Test
    void read_composite_returns_the_values_of_every_path_by_full_path() {
        JsonNode result = command(device.endpoint(), "read-composite",
                "\"paths\":[\"/3/0/0\",\"/3303/0/5700\",\"/3311/0\"]");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        assertThat(result.get("code").asText()).isEqualTo("2.05");
        assertThat(result.has("path")).as("a composite op has paths, not one path").isFalse();
        JsonNode values = result.get("values");
        assertThat(values.get("/3/0/0").asText()).isEqualTo("Open Mobile Alliance");
        assertThat(values.get("/3303/0/5700").isDouble()).as("typed by the model").isTrue();
        assertThat(values.get("/3311/0/5851").asLong()).as("an instance's resources, flattened").isEqualTo(100);
        assertThat(values.get("/3311/0/5850").isBoolean()).isTrue();

        JsonNode json = command(device.endpoint(), "read-composite",
                "\"paths\":[\"/3/0/9\"],\"format\":\"senml-json\"");
        assertThat(json.get("values").get("/3/0/9").asLong()).as("SenML JSON when asked").isEqualTo(100);
    }

    @Test
    void write_composite_writes_every_value_in_one_request_and_refuses_a_read_only_path() {
        JsonNode written = command(device.endpoint(), "write-composite",
                "\"values\":{\"/3/0/14\":\"+07\",\"/3311/0/5851\":42}");
        assertThat(written.get("status").asText()).as(written.toString()).isEqualTo("success");
        assertThat(written.get("code").asText()).isEqualTo("2.04");

        JsonNode read = command(device.endpoint(), "read-composite", "\"paths\":[\"/3/0/14\",\"/3311/0/5851\"]");
        assertThat(read.get("values").get("/3/0/14").asText()).isEqualTo("+07");
        assertThat(read.get("values").get("/3311/0/5851").asLong()).isEqualTo(42);

        JsonNode readOnly = command(device.endpoint(), "write-composite",
                "\"values\":{\"/3/0/0\":\"ACME\",\"/3311/0/5851\":7}");
        assertThat(readOnly.get("status").asText()).isEqualTo("invalid");
        assertThat(readOnly.get("error").asText()).contains("/3/0/0").contains("not writable");
        JsonNode mistyped = command(device.endpoint(), "write-composite", "\"values\":{\"/3311/0/5851\":\"dim\"}");
        assertThat(mistyped.get("status").asText()).isEqualTo("invalid");
        assertThat(mistyped.get("error").asText()).contains("/3311/0/5851");
        assertThat(command(device.endpoint(), "read", "\"path\":\"/3311/0/5851\"").get("values")
                .get("/3311/0/5851").asLong()).as("nothing of a refused write reached the device").isEqualTo(42);
    }

    @Test
    void observe_composite_publishes_each_path_on_mqtt_and_one_record_on_kafka_until_cancelled() {
        String ep = device.endpoint();
        JsonNode observe = command(ep, "observe-composite", "\"paths\":[\"/3303/0/5700\",\"/3311/0/5851\"]");
        assertThat(observe.get("status").asText()).as(observe.toString()).isEqualTo("success");
        assertThat(observe.get("values").get("/3311/0/5851").asLong()).isEqualTo(100);
        assertThat(observe.get("values").has("/3303/0/5700")).isTrue();

        command(ep, "write", "\"path\":\"/3311/0/5851\",\"value\":61");
        String dimmer = "lwm2m/" + ep + "/data/3311/0/5851";
        String temperature = "lwm2m/" + ep + "/data/3303/0/5700";
        await().atMost(WAIT).until(() -> mqtt.on(dimmer).stream()
                .anyMatch(m -> m.json().get("values").path("/3311/0/5851").asLong() == 61));
        JsonNode part = mqtt.on(dimmer).stream().map(MqttProbe.Received::json)
                .filter(d -> d.get("values").path("/3311/0/5851").asLong() == 61).findFirst().orElseThrow();
        assertThat(part.get("path").asText()).isEqualTo("/3311/0/5851");
        assertThat(part.get("values").size()).as("only this path's values on its topic").isEqualTo(1);
        String observationId = part.get("observationId").asText();
        await().atMost(WAIT).until(() -> mqtt.on(temperature).stream()
                .anyMatch(m -> observationId.equals(m.json().path("observationId").asText())));

        await().atMost(WAIT).until(() -> composites(ep).stream()
                .anyMatch(d -> d.get("values").path("/3311/0/5851").asLong() == 61));
        JsonNode record = composites(ep).stream().filter(d -> d.get("values").path("/3311/0/5851").asLong() == 61)
                .findFirst().orElseThrow();
        assertThat(record.get("paths")).extracting(JsonNode::asText)
                .containsExactly("/3303/0/5700", "/3311/0/5851");
        assertThat(record.get("values").has("/3303/0/5700")).as("one record lists all values").isTrue();
        assertThat(record.get("observationId").asText()).isEqualTo(observationId);
        Contract.assertEveryKafkaRecord(kafka.on("lwm2m.telemetry", ep));
        assertThat(kafka.on("lwm2m.telemetry", ep)).as("Kafka carries no per-path copy of a composite notification")
                .noneMatch(r -> r.json().has("path") && observationId.equals(r.json().path("observationId").asText()));

        JsonNode wrongSet = command(ep, "cancel-observe-composite", "\"paths\":[\"/3311/0/5851\"]");
        assertThat(wrongSet.get("status").asText()).isEqualTo("invalid");
        assertThat(wrongSet.get("error").asText()).contains("no composite observation");
        JsonNode cancel = command(ep, "cancel-observe-composite", "\"paths\":[\"/3311/0/5851\",\"/3303/0/5700\"]");
        assertThat(cancel.get("status").asText()).as(cancel.toString()).isEqualTo("success");
        int before = mqtt.on(dimmer).size();
        command(ep, "write", "\"path\":\"/3311/0/5851\",\"value\":62");
        command(ep, "read", "\"path\":\"/3311/0/5851\"");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> mqtt.on(dimmer).size() == before); // no notification after the cancel
    }

    private List<JsonNode> composites(String endpoint) {
        return kafka.on("lwm2m.telemetry", endpoint).stream().map(KafkaProbe.Record::json)
                .filter(d -> d.has("paths")).toList();
    }

    @Test
    void every_composite_op_works_through_kafka_too() throws Exception {
        await().atMost(WAIT).until(kafkaCommands::assigned);
        String ep = device.endpoint();
        String[][] commands = {
            {"k-wc", "write-composite", "\"values\":{\"/3311/0/5851\":12,\"/3311/0/5850\":false}"},
            {"k-rc", "read-composite", "\"paths\":[\"/3311/0/5851\",\"/3/0/9\"]"},
            {"k-oc", "observe-composite", "\"paths\":[\"/3311/0/5850\",\"/3/0/9\"],\"format\":\"senml-json\""},
            {"k-cc", "cancel-observe-composite", "\"paths\":[\"/3/0/9\",\"/3311/0/5850\"]"},
        };
        try (KafkaProducer<String, String> producer = TestBrokers.kafkaProducer()) {
            for (String[] c : commands) {
                producer.send(new ProducerRecord<>("lwm2m.commands", ep, "{\"id\":\"" + c[0] + "\",\"endpoint\":\""
                        + ep + "\",\"op\":\"" + c[1] + "\"," + c[2] + "}")).get();
            }
        }
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.command-results", ep).size() == commands.length);
        List<JsonNode> results = kafka.on("lwm2m.command-results", ep).stream().map(KafkaProbe.Record::json).toList();
        assertThat(results).extracting(r -> r.get("id").asText() + ":" + r.get("status").asText())
                .containsExactly("k-wc:success", "k-rc:success", "k-oc:success", "k-cc:success");
        assertThat(results.get(1).get("values").get("/3311/0/5851").asLong()).isEqualTo(12);
        assertThat(results.get(2).get("values").get("/3311/0/5850").asBoolean()).isFalse();
    }

    @Test
    void composite_ops_are_validated_like_single_path_ops() {
        String ep = device.endpoint();
        assertThat(command(ep, "read-composite", "\"paths\":[]").get("error").asText()).contains("non-empty");
        assertThat(command(ep, "read-composite", "\"path\":\"/3/0\"").get("error").asText()).contains("'paths'");
        assertThat(command(ep, "read-composite", "\"paths\":[\"/3/0\",\"/3/0/1\"]").get("error").asText())
                .contains("inside");
        assertThat(command(ep, "observe-composite", "\"paths\":[\"/3/x\"]").get("status").asText())
                .isEqualTo("invalid");
        assertThat(command(ep, "read-composite", "\"paths\":[\"/3/0\"],\"format\":\"tlv\"").get("error").asText())
                .contains("SenML");
        assertThat(command(ep, "write-composite", "\"values\":{\"/3/0\":1}").get("error").asText())
                .contains("not a resource");
    }

    @Test
    void a_lwm2m_1_0_device_is_refused_composite_ops_naming_its_version() {
        String ep = "old-" + UUID.randomUUID().toString().substring(0, 8);
        try (RawCoapDevice old = new RawCoapDevice(lwm2m.boundPort().orElseThrow())) {
            assertThat(old.register("ep=" + ep + "&lt=300&lwm2m=1.0&b=U", "</1/0>,</5/0>").getCode().name())
                    .isEqualTo("CREATED");
            for (String op : List.of("read-composite", "observe-composite", "cancel-observe-composite")) {
                JsonNode refused = command(ep, op, "\"paths\":[\"/3/0/0\",\"/3303/0/5700\"]");
                assertThat(refused.get("status").asText()).isEqualTo("invalid");
                assertThat(refused.get("error").asText()).contains("needs LwM2M 1.1").contains("1.0");
            }
            assertThat(command(ep, "write-composite", "\"values\":{\"/3/0/14\":\"+01\"}").get("error").asText())
                    .contains("needs LwM2M 1.1");
        }
    }
}
