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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every operation from MQTT and Kafka against a real Leshan device; one final result per command. */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class CommandFlowTest {

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
        kafka = new KafkaProbe(TestBrokers.kafkaBootstrap(), "lwm2m.command-results");
        app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        device = givenDevice("lamp-" + UUID.randomUUID().toString().substring(0, 8)).withLight().withTemperature()
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

    /** Publishes a command on {@code lwm2m/{ep}/commands/{op}} and waits for its one result. */
    private JsonNode command(String op, String json) {
        String id = "c-" + UUID.randomUUID();
        String body = json.isEmpty() ? "{\"id\":\"" + id + "\"}" : "{\"id\":\"" + id + "\"," + json + "}";
        app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/" + op).qos(MqttQos.AT_LEAST_ONCE)
                .payload(body.getBytes(StandardCharsets.UTF_8)).send();
        String resultTopic = "lwm2m/" + device.endpoint() + "/results/" + op;
        await().atMost(WAIT).until(() -> mqtt.on(resultTopic).stream().anyMatch(m -> id.equals(m.json().path("id").asText())));
        MqttProbe.Received result = mqtt.on(resultTopic).stream().filter(m -> id.equals(m.json().path("id").asText()))
                .findFirst().orElseThrow();
        assertThat(result.userProperties()).containsEntry("type", "lwm2m.command.result")
                .containsEntry("subject", device.endpoint());
        assertThat(result.json().get("time").asText()).matches(Contract.TIME);
        return result.json();
    }

    @Test
    void read_returns_typed_values_of_an_instance() {
        JsonNode result = command("read", "\"path\":\"/3/0\"");
        assertThat(result.get("status").asText()).isEqualTo("success");
        assertThat(result.get("code").asText()).isEqualTo("2.05");
        assertThat(result.get("op").asText()).isEqualTo("read");
        assertThat(result.get("endpoint").asText()).isEqualTo(device.endpoint());
        assertThat(result.get("values").get("/3/0/0").asText()).isEqualTo("Open Mobile Alliance");
        assertThat(result.get("values").get("/3/0/9").asLong()).isEqualTo(100);
    }

    @Test
    void write_one_resource_then_several_of_an_instance_and_read_them_back() {
        assertThat(command("write", "\"path\":\"/3311/0/5851\",\"value\":40").get("status").asText())
                .isEqualTo("success");
        JsonNode update = command("write", "\"path\":\"/3311/0\",\"mode\":\"update\","
                + "\"values\":{\"/3311/0/5850\":true,\"/3311/0/5851\":80}");
        assertThat(update.get("status").asText()).isEqualTo("success");
        assertThat(update.get("code").asText()).isEqualTo("2.04");
        JsonNode read = command("read", "\"path\":\"/3311/0\"");
        assertThat(read.get("values").get("/3311/0/5850").asBoolean()).isTrue();
        assertThat(read.get("values").get("/3311/0/5851").asLong()).isEqualTo(80);
    }

    @Test
    void write_attributes_sets_and_removes_attributes() {
        assertThat(command("write-attributes", "\"path\":\"/3303/0/5700\",\"attributes\":{\"pmin\":5,\"gt\":30.5}")
                .get("status").asText()).isEqualTo("success");
        assertThat(command("write-attributes", "\"path\":\"/3303/0/5700\",\"attributes\":{\"pmin\":null}")
                .get("status").asText()).isEqualTo("success");
        JsonNode discover = command("discover", "\"path\":\"/3303/0\"");
        assertThat(discover.get("links").toString()).contains("/3303/0/5700").contains("gt");
    }

    @Test
    void execute_with_and_without_arguments() {
        assertThat(command("execute", "\"path\":\"/3/0/4\"").get("status").asText()).isEqualTo("success");
        assertThat(command("execute", "\"path\":\"/3/0/4\",\"args\":\"0='now',1\"").get("code").asText())
                .isEqualTo("2.04");
        assertThat(device.reboots()).isEqualTo(2);
        assertThat(device.lastRebootArguments()).contains("now");
    }

    @Test
    void create_with_and_without_instance_id_then_delete() {
        JsonNode picked = command("create", "\"path\":\"/3311\",\"values\":{\"5850\":true}");
        assertThat(picked.get("status").asText()).isEqualTo("success");
        assertThat(picked.get("code").asText()).isEqualTo("2.01");
        assertThat(picked.get("location").asText()).matches("/3311/[1-9]\\d*");
        JsonNode chosen = command("create",
                "\"path\":\"/3311/7\",\"values\":{\"/3311/7/5850\":false,\"/3311/7/5851\":10}");
        assertThat(chosen.path("location").asText()).as(chosen.toString()).isEqualTo("/3311/7");
        JsonNode incomplete = command("create", "\"path\":\"/3311/8\",\"values\":{\"/3311/8/5851\":10}");
        assertThat(incomplete.get("status").asText()).as("mandatory On/Off missing: the device refuses")
                .isEqualTo("device-error");
        assertThat(incomplete.get("code").asText()).isEqualTo("4.00");
        assertThat(command("read", "\"path\":\"/3311/7/5851\"").get("values").get("/3311/7/5851").asLong())
                .isEqualTo(10);
        assertThat(command("delete", "\"path\":\"/3311/7\"").get("code").asText()).isEqualTo("2.02");
        assertThat(command("read", "\"path\":\"/3311/7\"").get("status").asText()).isEqualTo("device-error");
    }

    @Test
    void discover_lists_links_with_attributes() {
        JsonNode result = command("discover", "\"path\":\"/3311\"");
        assertThat(result.get("status").asText()).isEqualTo("success");
        assertThat(result.get("links").findValuesAsText("path")).contains("/3311", "/3311/0", "/3311/0/5850");
    }

    @Test
    void observe_returns_current_values_then_notifications_flow_until_cancelled() {
        JsonNode observe = command("observe", "\"path\":\"/3311/0/5851\"");
        assertThat(observe.get("status").asText()).isEqualTo("success");
        assertThat(observe.get("values").get("/3311/0/5851").asLong()).isEqualTo(100);
        String data = "lwm2m/" + device.endpoint() + "/data/3311/0/5851";
        command("write", "\"path\":\"/3311/0/5851\",\"value\":55");
        await().atMost(WAIT).until(() -> mqtt.on(data).stream()
                .anyMatch(m -> m.json().get("values").path("/3311/0/5851").asLong() == 55));

        assertThat(command("cancel-observe", "\"path\":\"/3311/0/5851\"").get("status").asText())
                .isEqualTo("success");
        int before = mqtt.on(data).size();
        command("write", "\"path\":\"/3311/0/5851\",\"value\":56");
        command("read", "\"path\":\"/3311/0/5851\"");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> mqtt.on(data).size() == before); // no notification after cancel
        assertThat(command("cancel-observe", "\"path\":\"/3311/0/5851\"").get("status").asText())
                .as("nothing left to cancel").isEqualTo("invalid");
    }

    @Test
    void a_response_topic_and_correlation_data_are_honoured() {
        String replyTopic = "app/replies/" + UUID.randomUUID();
        try (MqttProbe replies = new MqttProbe(TestBrokers.mqttPort(), "app/replies/#")) {
            app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                    .responseTopic(replyTopic).correlationData("corr-7".getBytes(StandardCharsets.UTF_8))
                    .payload("{\"id\":\"r-1\",\"path\":\"/3/0/0\"}".getBytes(StandardCharsets.UTF_8)).send();
            await().atMost(WAIT).until(() -> !replies.on(replyTopic).isEmpty());
            MqttProbe.Received reply = replies.on(replyTopic).get(0);
            assertThat(reply.json().get("values").get("/3/0/0").asText()).isEqualTo("Open Mobile Alliance");
            assertThat(reply.correlationData()).contains("corr-7");
        }
    }

    @Test
    void a_response_topic_among_the_command_topics_is_refused_as_invalid() {
        String commands = "lwm2m/" + device.endpoint() + "/commands/read";
        String results = "lwm2m/" + device.endpoint() + "/results/read";
        app.publishWith().topic(commands).qos(MqttQos.AT_LEAST_ONCE).responseTopic(commands)
                .payload("{\"id\":\"loop-1\",\"path\":\"/3/0/0\"}".getBytes(StandardCharsets.UTF_8)).send();

        await().atMost(WAIT).until(() -> mqtt.on(results).stream()
                .anyMatch(m -> "loop-1".equals(m.json().path("id").asText())));
        var answers = mqtt.on(results).stream().filter(m -> "loop-1".equals(m.json().path("id").asText())).toList();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).json().get("status").asText()).isEqualTo("invalid");
        assertThat(answers.get(0).json().get("error").asText()).contains("response topic");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> mqtt.on(commands).size() == 1); // nothing published back onto the command topic
    }

    @Test
    void a_result_the_mqtt_client_refuses_does_not_stop_later_publishes() throws Exception {
        await().atMost(WAIT).until(kafkaCommands::assigned);
        String hostile = "bad\u0000ep-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = TestBrokers.kafkaProducer()) {
            // a NUL is legal in JSON and in a Kafka key, but not in an MQTT 5 user property (the CloudEvents subject)
            producer.send(new ProducerRecord<>("lwm2m.commands", hostile,
                    "{\"id\":\"nul-1\",\"endpoint\":\"bad\\u0000ep\",\"op\":\"read\",\"path\":\"/3/0\"}")).get();
        }
        await().atMost(WAIT).until(() -> kafka.all().stream()
                .anyMatch(r -> "nul-1".equals(r.json().path("id").asText())));

        assertThat(command("read", "\"path\":\"/3/0/9\"").get("status").asText()).isEqualTo("success");
    }

    @Test
    void commands_from_kafka_get_their_result_on_kafka_and_mqtt() throws Exception {
        await().atMost(WAIT).until(kafkaCommands::assigned);
        try (KafkaProducer<String, String> producer = TestBrokers.kafkaProducer()) {
            producer.send(new ProducerRecord<>("lwm2m.commands", device.endpoint(), "{\"id\":\"k-1\",\"endpoint\":\""
                    + device.endpoint() + "\",\"op\":\"write\",\"path\":\"/3311/0/5850\",\"value\":true}")).get();
            producer.send(new ProducerRecord<>("lwm2m.commands", device.endpoint(), "{\"id\":\"k-2\",\"endpoint\":\""
                    + device.endpoint() + "\",\"op\":\"read\",\"path\":\"/3311/0/5850\"}")).get();
            producer.send(new ProducerRecord<>("lwm2m.commands", device.endpoint(), "not json")).get();
        }
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.command-results", device.endpoint()).size() == 3);
        var results = kafka.on("lwm2m.command-results", device.endpoint());
        // executed commands keep their order; the unreadable one is answered at once, filed under the key
        var executed = results.stream().filter(r -> !r.json().path("id").asText().isEmpty()).toList();
        assertThat(executed).extracting(r -> r.json().path("id").asText()).containsExactly("k-1", "k-2");
        assertThat(executed.get(1).json().get("values").get("/3311/0/5850").asBoolean()).isTrue();
        var unreadable = results.stream().filter(r -> r.json().path("id").asText().isEmpty()).findFirst().orElseThrow();
        assertThat(unreadable.json().get("status").asText()).isEqualTo("invalid");
        assertThat(unreadable.json().get("error").asText()).startsWith("unreadable JSON");
        assertThat(executed.get(0).headers()).containsEntry("ce_type", "lwm2m.command.result");
        await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/" + device.endpoint() + "/results/read").isEmpty());
    }

    @Test
    void every_class_of_invalid_input_is_answered_invalid_naming_the_problem() {
        assertInvalid("read", "garbage{", "unreadable JSON");
        assertInvalid("reboot", "{\"path\":\"/3/0/4\"}", "unknown op 'reboot'");
        assertInvalid("read", "{\"path\":\"/3/x\"}", "malformed LwM2M path");
        assertInvalid("execute", "{\"path\":\"/3\"}", "execute does not apply to an object");
        assertInvalid("write", "{\"path\":\"/3/0/0\",\"value\":\"ACME\"}", "/3/0/0 (Manufacturer) is not writable");
        assertInvalid("write", "{\"path\":\"/3311/0/5850\",\"value\":\"yes\"}", "must be true or false");
        assertInvalid("write", "{\"path\":\"/3311/0/5851\"}", "write needs 'value' or 'values'");
        assertInvalid("read", "{\"op\":\"write\",\"path\":\"/3/0\"}", "differs from the topic's op");
        assertInvalid("read", "{}", "missing 'path'");
    }

    private void assertInvalid(String op, String body, String error) {
        long before = mqtt.on("lwm2m/" + device.endpoint() + "/results/" + op).size();
        app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/" + op).qos(MqttQos.AT_LEAST_ONCE)
                .payload(body.getBytes(StandardCharsets.UTF_8)).send();
        String topic = "lwm2m/" + device.endpoint() + "/results/" + op;
        await().atMost(WAIT).until(() -> mqtt.on(topic).size() > before);
        JsonNode result = mqtt.on(topic).get((int) before).json();
        assertThat(result.get("status").asText()).as(body).isEqualTo("invalid");
        assertThat(result.get("error").asText()).as(body).contains(error);
    }

    @Test
    void an_unknown_endpoint_is_not_registered_and_a_silent_device_times_out() {
        app.publishWith().topic("lwm2m/nobody/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"path\":\"/3/0\"}".getBytes(StandardCharsets.UTF_8)).send();
        await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/nobody/results/read").isEmpty());
        assertThat(mqtt.on("lwm2m/nobody/results/read").get(0).json().get("status").asText())
                .isEqualTo("not-registered");

        device.close(); // stops answering, stays registered
        JsonNode result = command("read", "\"path\":\"/3/0\",\"timeout\":1");
        assertThat(result.get("status").asText()).isEqualTo("timeout");
    }

    @Test
    void a_devices_commands_run_in_arrival_order_and_a_repeated_id_runs_once() {
        for (int i = 0; i < 10; i++) {
            app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/write").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"id\":\"w-" + i + "\",\"path\":\"/3311/0/5851\",\"value\":" + i + "}")
                            .getBytes(StandardCharsets.UTF_8)).send();
        }
        String topic = "lwm2m/" + device.endpoint() + "/results/write";
        await().atMost(WAIT).until(() -> mqtt.on(topic).size() == 10);
        assertThat(mqtt.on(topic)).extracting(m -> m.json().get("id").asText())
                .containsExactly("w-0", "w-1", "w-2", "w-3", "w-4", "w-5", "w-6", "w-7", "w-8", "w-9");
        assertThat(command("read", "\"path\":\"/3311/0/5851\"").get("values").get("/3311/0/5851").asLong())
                .isEqualTo(9);

        String again = "{\"id\":\"once-1\",\"path\":\"/3/0/4\"}";
        for (int i = 0; i < 2; i++) {
            app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/execute").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(again.getBytes(StandardCharsets.UTF_8)).send();
        }
        String execTopic = "lwm2m/" + device.endpoint() + "/results/execute";
        // a copy that arrives while the original runs shares its one result (same address, published once);
        // one that arrives after it completed gets the earlier result again: one or two results, one execution
        await().atMost(WAIT).until(() -> !mqtt.on(execTopic).isEmpty());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mqtt.on(execTopic).size() <= 2);
        assertThat(device.reboots()).as("executed once").isEqualTo(1);
        assertThat(mqtt.on(execTopic)).extracting(m -> m.json().get("status").asText()).containsOnly("success");
    }

    @Test
    void a_silent_device_does_not_hold_up_commands_for_other_devices() {
        TestDevice silent = givenDevice("silent-" + UUID.randomUUID().toString().substring(0, 8))
                .registeredAt(lwm2m.boundPort().orElseThrow());
        silent.close(); // registered, but no longer answers
        app.publishWith().topic("lwm2m/" + silent.endpoint() + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"id\":\"slow-1\",\"path\":\"/3/0\",\"timeout\":8}".getBytes(StandardCharsets.UTF_8))
                .send();
        long start = System.nanoTime();
        JsonNode fast = command("read", "\"path\":\"/3/0/0\"");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(fast.get("status").asText()).isEqualTo("success");
        assertThat(took).as("answered while the silent device's command still waits").isLessThan(Duration.ofSeconds(5));
        String slowTopic = "lwm2m/" + silent.endpoint() + "/results/read";
        await().atMost(WAIT).until(() -> !mqtt.on(slowTopic).isEmpty());
        assertThat(mqtt.on(slowTopic).get(0).json().get("status").asText()).isEqualTo("timeout");
    }

    @Test
    void every_operation_works_through_kafka_too() throws Exception {
        await().atMost(WAIT).until(kafkaCommands::assigned);
        String ep = device.endpoint();
        String[][] commands = {
            {"k-read", "read", "\"path\":\"/3/0/0\""},
            {"k-write", "write", "\"path\":\"/3311/0/5851\",\"value\":33"},
            {"k-attrs", "write-attributes", "\"path\":\"/3311/0/5851\",\"attributes\":{\"pmin\":1}"},
            {"k-exec", "execute", "\"path\":\"/3/0/4\""},
            {"k-create", "create", "\"path\":\"/3311/5\",\"values\":{\"/3311/5/5850\":true}"},
            {"k-delete", "delete", "\"path\":\"/3311/5\""},
            {"k-discover", "discover", "\"path\":\"/3311\""},
            {"k-observe", "observe", "\"path\":\"/3311/0/5850\""},
            {"k-cancel", "cancel-observe", "\"path\":\"/3311/0/5850\""},
        };
        try (KafkaProducer<String, String> producer = TestBrokers.kafkaProducer()) {
            for (String[] c : commands) {
                producer.send(new ProducerRecord<>("lwm2m.commands", ep, "{\"id\":\"" + c[0] + "\",\"endpoint\":\""
                        + ep + "\",\"op\":\"" + c[1] + "\"," + c[2] + "}")).get();
            }
        }
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.command-results", ep).size() == commands.length);
        assertThat(kafka.on("lwm2m.command-results", ep)).extracting(r -> r.json().get("id").asText() + ":"
                + r.json().get("op").asText() + ":" + r.json().get("status").asText())
                .containsExactly(java.util.Arrays.stream(commands).map(c -> c[0] + ":" + c[1] + ":success")
                        .toArray(String[]::new));
        assertThat(device.reboots()).isEqualTo(1);
    }

    @Test
    void a_kafka_command_offset_is_committed_only_once_its_result_is_confirmed() throws Exception {
        await().atMost(WAIT).until(kafkaCommands::assigned);
        device.vanish(); // still registered, answers nothing: the read ends in a timeout after a few seconds
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = TestBrokers.kafkaProducer()) {
            sent = producer.send(new ProducerRecord<>("lwm2m.commands", device.endpoint(), "{\"id\":\"silent-1\","
                    + "\"endpoint\":\"" + device.endpoint() + "\",\"op\":\"read\",\"path\":\"/3/0\"}")).get();
        }
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBrokers.kafkaBootstrap()))) {
            await().atMost(WAIT).until(() -> kafkaCommands.inFlight() > 0);
            await().during(Duration.ofSeconds(1)).atMost(WAIT)
                    .until(() -> kafka.on("lwm2m.command-results", device.endpoint()).isEmpty()
                            && committed(admin, partition) <= sent.offset());

            await().atMost(WAIT).until(() -> kafka.on("lwm2m.command-results", device.endpoint()).size() == 1);
            assertThat(kafka.on("lwm2m.command-results", device.endpoint()).get(0).json().get("status").asText())
                    .isEqualTo("timeout");
            await().atMost(WAIT).until(() -> committed(admin, partition) > sent.offset());
        }
    }

    /** The command group's committed offset on a partition, -1 when none. */
    private static long committed(Admin admin, TopicPartition partition) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets("lwm2m-gateway").partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS).get(partition);
        return offset == null ? -1 : offset.offset();
    }
}
