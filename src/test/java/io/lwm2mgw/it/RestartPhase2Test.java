package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Second half of the restart tests: after the restart the queued commands reach their device when it
 * registers again, and the command that was in flight when the gateway stopped is redelivered by the broker
 * and gets exactly one final result.
 */
@QuarkusTest
@TestProfile(RestartProfile.Phase2After.class)

class RestartPhase2Test {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void queued_commands_survive_the_restart_and_the_interrupted_one_completes_once() {
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/#", RestartProfile.PROBE, true);
                TestDevice lamp = givenDevice(RestartProfile.ENDPOINT).withLight().inQueueMode()
                        .registeredAt(lwm2m.boundPort().orElseThrow());
                TestDevice silent = givenDevice(RestartProfile.SILENT).registeredAt(lwm2m.boundPort().orElseThrow())) {
            String writes = "lwm2m/" + RestartProfile.ENDPOINT + "/results/write";
            await().atMost(WAIT).until(() -> mqtt.on(writes).size() == 2);
            assertThat(mqtt.on(writes)).extracting(m -> m.json().get("id").asText() + ":" + m.json().get("status").asText())
                    .containsExactly("keep-1:success", "keep-2:success");

            // left unacknowledged by the stopping gateway, redelivered by the broker to the new one: one final
            // result across both lives. Registrations do not survive a restart yet, so it is not-registered.
            String reads = "lwm2m/" + RestartProfile.SILENT + "/results/read";
            await().atMost(WAIT).until(() -> mqtt.on(reads).stream()
                    .anyMatch(m -> m.json().get("id").asText().equals("crash-1")));
            assertThat(mqtt.on(reads)).extracting(m -> m.json().get("id").asText() + ":" + m.json().get("status").asText())
                    .containsExactly("crash-1:not-registered");
        }
    }
}
