package io.lwm2mgw.sim;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.it.BrokersResource;
import io.lwm2mgw.it.Contract;
import io.lwm2mgw.it.KafkaProbe;
import io.lwm2mgw.it.MqttProbe;
import io.lwm2mgw.it.TestBrokers;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's simulator in small (20 devices, a few seconds) against the in-process gateway: every
 * device registers and is seen on MQTT and Kafka, each notification it sends arrives on both brokers
 * exactly once, and commands (a firmware push included) reach the simulated devices and come back with
 * their answers. The test
 * profile auto-observes /3303 (pmin 0), so the devices' temperature observations need no command.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class FleetSmokeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int DEVICES = 20;

    @Inject
    Lwm2mEndpoint lwm2m;

    private MqttProbe mqtt;
    private KafkaProbe kafka;
    private Fleet fleet;
    private String prefix;

    @BeforeEach
    void start() {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        kafka = new KafkaProbe(TestBrokers.kafkaBootstrap(), "lwm2m.status", "lwm2m.telemetry");
        prefix = "smoke-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        fleet = Fleet.start(new FleetConfig().devices(DEVICES).prefix(prefix).threads(2)
                .server("127.0.0.1", lwm2m.boundPort().orElseThrow()).timestampValues(true)
                .objects(1, 3, 5, 3303, 3311));
    }

    @AfterEach
    void stop() throws InterruptedException {
        fleet.close();
        mqtt.close();
        kafka.close();
    }

    @Test
    void simulated_devices_register_notify_and_answer_commands_through_both_brokers() throws Exception {
        await().atMost(WAIT).until(() -> fleet.stats().registered.sum() == DEVICES);
        for (String ep : fleet.endpoints()) {
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status").isPresent()
                    && !kafka.on("lwm2m.status", ep).isEmpty());
            JsonNode status = mqtt.last("lwm2m/" + ep + "/status").orElseThrow().json();
            assertThat(status.get("state").asText()).isEqualTo("registered");
            assertThat(status.get("objects").toString()).contains("/3303/0", "/3311/0");
        }
        // every device holds the profile's observation of /3303 (and /3/0/9)
        await().atMost(WAIT).until(() -> fleet.stats().observationsActive.sum() >= 2L * DEVICES);

        fleet.setNotifyRate(200);
        await().atMost(WAIT).until(() -> fleet.stats().notificationsSent.sum() >= 100);
        fleet.setNotifyRate(0);
        long sent = fleet.stats().notificationsSent.sum();
        await().atMost(WAIT).until(() -> timestamped(mqtt.matching(m -> m.topic().startsWith("lwm2m/" + prefix)
                && m.topic().endsWith("/data/3303")).stream().map(MqttProbe.Received::json).toList()) == sent);
        await().atMost(WAIT).until(() -> timestamped(kafka.all().stream()
                .filter(r -> r.topic().equals("lwm2m.telemetry") && r.key().startsWith(prefix))
                .map(KafkaProbe.Record::json).toList()) == sent);

        try (CommandClient app = new CommandClient()) {
            String ep = fleet.endpoints().get(3);
            JsonNode read = app.command(ep, "read", "\"path\":\"/3/0\"");
            assertThat(read.get("status").asText()).isEqualTo("success");
            assertThat(read.get("values").get("/3/0/2").asText()).isEqualTo(ep);
            assertThat(read.get("values").get("/3/0/9").asLong()).isEqualTo(87);
            assertThat(app.command(ep, "read", "\"path\":\"/3303/0/5700\",\"format\":\"senml-json\"")
                    .get("values").get("/3303/0/5700").isNumber()).isTrue();
            assertThat(app.command(ep, "write", "\"path\":\"/3311/0/5851\",\"value\":73").get("code").asText())
                    .isEqualTo("2.04");
            assertThat(app.command(ep, "read", "\"path\":\"/3311/0/5851\",\"format\":\"text\"")
                    .get("values").get("/3311/0/5851").asLong()).isEqualTo(73);
            assertThat(app.command(ep, "write", "\"path\":\"/3311/0\",\"mode\":\"update\","
                    + "\"values\":{\"/3311/0/5850\":false,\"/3311/0/5851\":12}").get("status").asText())
                    .isEqualTo("success");
            assertThat(app.command(ep, "read", "\"path\":\"/3311/0\",\"format\":\"tlv\"").get("values").toString())
                    .contains("\"/3311/0/5850\":false", "\"/3311/0/5851\":12");
            assertThat(app.command(ep, "execute", "\"path\":\"/3/0/4\"").get("status").asText()).isEqualTo("success");
            assertThat(app.command(ep, "read", "\"path\":\"/3/0/99\"").get("code").asText()).isEqualTo("4.04");

            String image = java.util.Base64.getEncoder().encodeToString(new byte[20_000]);
            JsonNode firmware = app.command(ep, "firmware-update",
                    "\"method\":\"push\",\"image\":{\"base64\":\"" + image + "\"}");
            assertThat(firmware.get("status").asText()).isEqualTo("success");
            assertThat(firmware.get("values").get("/3/0/3").asText()).isEqualTo("1.0.1");
            assertThat(fleet.stats().firmwareBytes.sum()).isEqualTo(20_000);
            assertThat(fleet.stats().firmwareUpdatesApplied.sum()).isEqualTo(1);
        }

        assertThat(fleet.deregisterAll(WAIT)).isTrue();
        for (String ep : fleet.endpoints()) {
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status")
                    .map(m -> m.json().get("state").asText()).orElse("").equals("deregistered"));
        }
        assertThat(fleet.stats().registrationsFailed.sum()).isZero();
        assertThat(fleet.stats().sendFailures.sum()).isZero();
        Contract.assertEveryMqttMessage(mqtt.matching(m -> m.topic().startsWith("lwm2m/" + prefix)
                && !m.topic().contains("/commands/") && !m.topic().contains("/results/")));
    }

    @Test
    void queue_mode_devices_of_lwm2m_1_0_register_as_such_and_do_not_answer_while_asleep() throws Exception {
        FleetConfig config = new FleetConfig().devices(2).prefix(prefix + "q-").threads(1).lwm2mVersion("1.0")
                .queueMode(true).server("127.0.0.1", lwm2m.boundPort().orElseThrow()).objects(1, 3);
        config.awakeTime = Duration.ofMillis(300);
        try (Fleet sleepy = Fleet.start(config); CommandClient app = new CommandClient()) {
            for (String ep : sleepy.endpoints()) {
                await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status").isPresent());
                JsonNode status = mqtt.last("lwm2m/" + ep + "/status").orElseThrow().json();
                assertThat(status.get("queueMode").asBoolean()).isTrue();
                assertThat(status.get("lwm2mVersion").asText()).isEqualTo("1.0");
            }
            // 300 ms after its last message a device sleeps and answers nothing. The gateway (awake time 1 s)
            // either still sends, and the read times out, or its auto-observe of /3/0/9, first in the device's
            // lane, went unanswered already, Leshan took the device as asleep and the read waits for it
            await().atMost(WAIT).until(() -> sleepy.asleep() == 2);
            JsonNode read = app.command(sleepy.endpoints().get(0), "read", "\"path\":\"/3/0/9\",\"timeout\":1");
            assertThat(read.get("status").asText()).isIn("timeout", "queued");
            assertThat(sleepy.stats().droppedAsleep.sum()).isPositive();
        }
    }

    /** Notifications the simulator sent in timestamp mode: 5700 holds epoch microseconds, not 20.5. */
    private static long timestamped(List<JsonNode> docs) {
        return docs.stream().filter(d -> d.path("values").path("/3303/0/5700").asDouble() > 1e12).count();
    }

    /** An application on MQTT that sends one command and waits for its result on the response topic. */
    static final class CommandClient implements AutoCloseable {
        private final Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5()
                .identifier("smoke-app-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(TestBrokers.mqttPort()).buildBlocking();
        private final MqttProbe results;

        CommandClient() {
            client.connect();
            results = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/+/results/#");
        }

        JsonNode command(String ep, String op, String fields) {
            String id = "s-" + UUID.randomUUID();
            client.publishWith().topic("lwm2m/" + ep + "/commands/" + op).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"id\":\"" + id + "\"," + fields + "}").getBytes(StandardCharsets.UTF_8)).send();
            await().atMost(WAIT).until(() -> results.matching(m -> m.json().path("id").asText().equals(id)).size() == 1);
            return results.matching(m -> m.json().path("id").asText().equals(id)).get(0).json();
        }

        @Override
        public void close() {
            results.close();
            client.disconnect();
        }
    }
}
