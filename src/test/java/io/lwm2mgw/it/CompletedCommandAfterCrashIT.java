package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 6: the ids of completed commands are durable. A command completes, the gateway is killed
 * ({@code kill -9}) and the same command comes again after the restart, as a broker redelivers one whose
 * acknowledgement the crash lost: it is answered with its earlier result and not run again.
 */
class CompletedCommandAfterCrashIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void a_completed_command_that_comes_again_after_a_kill_is_answered_from_the_ledger_without_running_again()
            throws Exception {
        try (RestartableGateway gateway = new RestartableGateway("gw-ledger", TestBrokers.mqttPort());
                MqttProbe mqtt = gateway.probe()) {
            gateway.start();
            String endpoint = "counted-" + gateway.id();
            String executes = gateway.root() + "/" + endpoint + "/results/execute";
            String writes = gateway.root() + "/" + endpoint + "/results/write";
            String execute = "{\"id\":\"done-exec\",\"path\":\"/3/0/4\"}";
            String write = "{\"id\":\"done-write\",\"path\":\"/3311/0/5851\",\"value\":55}";
            try (TestDevice device = givenDevice(endpoint).withLight().registeredAt(gateway.coapPort())) {
                gateway.command(endpoint, "execute", execute);
                gateway.command(endpoint, "write", write);
                await().atMost(WAIT).until(() -> mqtt.on(executes).size() == 1 && mqtt.on(writes).size() == 1);
                JsonNode executed = mqtt.on(executes).get(0).json();
                JsonNode written = mqtt.on(writes).get(0).json();
                assertThat(executed.path("status").asText()).isEqualTo("success");
                assertThat(written.path("status").asText()).isEqualTo("success");
                assertThat(device.reboots()).isEqualTo(1);
                assertThat(device.dimmerWrites()).containsExactly(55L);

                gateway.kill();
                gateway.start();
                gateway.command(endpoint, "execute", execute);
                gateway.command(endpoint, "write", write);

                await().atMost(WAIT).untilAsserted(() -> assertThat(ids(mqtt, executes, writes))
                        .as("the copies are answered\n%s", gateway.allOutput())
                        .containsExactly("done-exec", "done-exec", "done-write", "done-write"));
                assertThat(device.reboots()).as("executed once across both lives\n%s", gateway.allOutput()).isEqualTo(1);
                assertThat(device.dimmerWrites()).as("written once across both lives").containsExactly(55L);
                assertThat(mqtt.on(executes).get(1).json()).as("the earlier result").isEqualTo(executed);
                assertThat(mqtt.on(writes).get(1).json()).as("the earlier result").isEqualTo(written);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> ids(mqtt, executes, writes).size() == 4 && device.reboots() == 1);
            }
        }
    }

    private static List<String> ids(MqttProbe mqtt, String... topics) {
        return List.of(topics).stream().flatMap(t -> mqtt.on(t).stream()).map(m -> m.json().path("id").asText()).sorted()
                .toList();
    }
}
