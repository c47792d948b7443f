package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 1: commands queued for a sleeping queue-mode device survive a {@code kill -9}, and the
 * restored registration's next Update drains them, in order, each with exactly one final result.
 */
class QueuedCommandsAfterCrashIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void commands_queued_for_a_sleeping_device_go_out_in_order_after_a_kill_and_its_next_update() throws Exception {
        try (RestartableGateway gateway = new RestartableGateway("gw-queued", TestBrokers.mqttPort(),
                "-Dgateway.lwm2m.awake-time=1s");
                MqttProbe mqtt = gateway.probe()) {
            gateway.start();
            String endpoint = "sleepy-" + gateway.id();
            String results = gateway.root() + "/" + endpoint + "/results/write";
            try (TestDevice device = givenDevice(endpoint).withLight().inQueueMode().registeredAt(gateway.coapPort())) {
                await().atMost(WAIT).until(() -> !mqtt.on(gateway.root() + "/" + endpoint + "/events/sleeping").isEmpty());
                gateway.command(endpoint, "write", "{\"id\":\"q-1\",\"path\":\"/3311/0/5851\",\"value\":7}");
                gateway.command(endpoint, "write", "{\"id\":\"q-2\",\"path\":\"/3311/0/5851\",\"value\":14}");
                await().atMost(WAIT).until(() -> mqtt.on(results).size() == 2);
                assertThat(statuses(mqtt, results)).containsExactly("q-1:queued", "q-2:queued");

                gateway.kill();
                gateway.start();
                assertThat(gateway.output()).contains("2 queued commands read back from the store");
                assertThat(device.dimmerWrites()).as("nothing reached the device while it slept").isEmpty();

                device.update();
                await().atMost(WAIT).untilAsserted(() -> assertThat(device.dimmerWrites())
                        .as("the queue is drained after the Update\n%s", gateway.allOutput()).containsExactly(7L, 14L));
                // exactly one final result per command, and no late duplicate for a second
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> mqtt.on(results).size() == 4);
                assertThat(statuses(mqtt, results)).as(gateway.allOutput())
                        .containsExactly("q-1:queued", "q-2:queued", "q-1:success", "q-2:success");
            }
        }
    }

    private static List<String> statuses(MqttProbe mqtt, String topic) {
        return mqtt.on(topic).stream().map(m -> m.json().path("id").asText() + ":" + m.json().path("status").asText())
                .toList();
    }
}
