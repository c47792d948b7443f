package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Queue mode (spec 8.3) with a real Leshan client that sleeps one second after each message, on the shared
 * brokers, whose test configuration ({@link BrokersResource}) gives a 1 s awake time and caps the commands waiting
 * per device.
 */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class QueueModeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    Lwm2mEndpoint lwm2m;

    private MqttProbe mqtt;
    private Mqtt5BlockingClient app;
    private TestDevice device;

    @BeforeEach
    void sleepingDevice() {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        device = givenDevice("sleepy-" + UUID.randomUUID().toString().substring(0, 8)).withLight().inQueueMode()
                .registeredAt(lwm2m.boundPort().orElseThrow());
        await().atMost(WAIT).until(() -> !mqtt.on(topic("events/sleeping")).isEmpty());
    }

    @AfterEach
    void tearDown() {
        device.close();
        app.disconnect();
        mqtt.close();
    }

    private String topic(String suffix) {
        return "lwm2m/" + device.endpoint() + "/" + suffix;
    }

    private void send(String op, String json) {
        app.publishWith().topic(topic("commands/" + op)).qos(MqttQos.AT_LEAST_ONCE)
                .payload(json.getBytes(StandardCharsets.UTF_8)).send();
    }

    private List<String> statuses(String op, String id) {
        return mqtt.on(topic("results/" + op)).stream().map(MqttProbe.Received::json)
                .filter(r -> id.equals(r.path("id").asText())).map(r -> r.get("status").asText()).toList();
    }

    @Test
    void the_device_is_published_awake_then_sleeping() {
        JsonNode sleeping = mqtt.last(topic("events/sleeping")).orElseThrow().json();
        assertThat(sleeping.get("state").asText()).isEqualTo("sleeping");
        assertThat(sleeping.get("queueMode").asBoolean()).isTrue();
        assertThat(mqtt.on(topic("events/awake"))).isNotEmpty();
        assertThat(mqtt.last(topic("status")).orElseThrow().json().get("state").asText()).isEqualTo("sleeping");
        assertThat(mqtt.matching(m -> m.topic().startsWith(topic("events/")))).extracting(m -> m.json().get("event").asText())
                .as("registered comes first").startsWith("registered", "awake", "sleeping");
    }

    @Test
    void commands_wait_while_the_device_sleeps_and_go_out_in_order_when_it_wakes() {
        for (int i = 1; i <= 3; i++) {
            send("write", "{\"id\":\"q-" + i + "\",\"path\":\"/3311/0/5851\",\"value\":" + (i * 10) + "}");
        }
        await().atMost(WAIT).until(() -> List.of(1, 2, 3).stream().allMatch(i -> statuses("write", "q-" + i)
                .equals(List.of("queued"))));

        device.update(); // the device wakes up: a registration update
        await().atMost(WAIT).until(() -> mqtt.on(topic("results/write")).size() == 6);
        assertThat(mqtt.on(topic("results/write"))).extracting(m -> m.json().get("id").asText() + ":"
                + m.json().get("status").asText())
                .containsExactly("q-1:queued", "q-2:queued", "q-3:queued", "q-1:success", "q-2:success", "q-3:success");
        await().atMost(WAIT).until(() -> !mqtt.on(topic("events/awake")).isEmpty());
        // the status published with the update (a status document precedes its event) says awake
        List<MqttProbe.Received> lifecycle = mqtt.matching(m -> m.topic().equals(topic("status"))
                || m.topic().equals(topic("events/updated")));
        int updated = lifecycle.stream().map(MqttProbe.Received::topic).toList().indexOf(topic("events/updated"));
        assertThat(updated).isPositive();
        assertThat(lifecycle.get(updated - 1).json().get("state").asText()).isEqualTo("awake");
    }

    @Test
    void a_command_that_waits_past_its_ttl_expires() {
        send("read", "{\"id\":\"ttl-1\",\"path\":\"/3311/0\",\"ttl\":1}");
        await().atMost(WAIT).until(() -> statuses("read", "ttl-1").equals(List.of("queued", "expired")));
        JsonNode expired = mqtt.on(topic("results/read")).get(1).json();
        assertThat(expired.get("error").asText()).contains("ttl");
    }

    @Test
    void a_command_over_the_per_device_cap_fails_with_the_reason() {
        int over = BrokersResource.MAX_QUEUED + 1;
        for (int i = 1; i <= over; i++) {
            send("read", "{\"id\":\"cap-" + i + "\",\"path\":\"/3311/0\"}");
        }
        await().atMost(WAIT).until(() -> statuses("read", "cap-" + over).contains("failed"));
        assertThat(mqtt.on(topic("results/read")).stream().map(MqttProbe.Received::json)
                .filter(r -> r.get("id").asText().equals("cap-" + over)).findFirst().orElseThrow().get("error").asText())
                .contains("too many commands waiting");
    }

    @Test
    void waiting_commands_are_cancelled_when_the_device_deregisters() {
        send("read", "{\"id\":\"dereg-1\",\"path\":\"/3311/0\"}");
        await().atMost(WAIT).until(() -> statuses("read", "dereg-1").equals(List.of("queued")));
        device.deregister();
        await().atMost(WAIT).until(() -> statuses("read", "dereg-1").equals(List.of("queued", "cancelled")));
        assertThat(mqtt.last(topic("status")).orElseThrow().json().get("state").asText()).isEqualTo("deregistered");
    }
}
