package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway stopped with SIGTERM and started again on the same folders: commands queued for a
 * sleeping device reach it when it registers again, and a command in flight to a device that does not
 * answer is left to the broker, redelivered to the next life and gets exactly one final result.
 */
class GracefulRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void queued_commands_survive_a_restart_and_the_interrupted_one_completes_once() throws Exception {
        try (RestartableGateway gateway = new RestartableGateway("gw-restart", TestBrokers.mqttPort(),
                "-Dgateway.lwm2m.awake-time=3s");
                MqttProbe mqtt = gateway.probe()) {
            gateway.start();
            String lamp = "restart-lamp-" + gateway.id();
            String silent = "restart-silent-" + gateway.id();
            String writes = gateway.root() + "/" + lamp + "/results/write";
            String reads = gateway.root() + "/" + silent + "/results/read";
            try (TestDevice sleepy = givenDevice(lamp).withLight().inQueueMode().registeredAt(gateway.coapPort())) {
                await().atMost(WAIT).until(() -> !mqtt.on(gateway.root() + "/" + lamp + "/events/sleeping").isEmpty());
                for (int i = 1; i <= 2; i++) {
                    gateway.command(lamp, "write", "{\"id\":\"keep-" + i + "\",\"path\":\"/3311/0/5851\",\"value\":"
                            + (i * 7) + "}");
                }
                await().atMost(WAIT).until(() -> mqtt.on(writes).size() == 2);
                assertThat(statuses(mqtt, writes)).containsExactly("keep-1:queued", "keep-2:queued");
            }

            try (UdpProxy link = new UdpProxy(gateway.coapPort());
                    TestDevice unanswering = givenDevice(silent).registeredAt(link.port())) {
                link.cut(); // registered, no longer reached: the next command stays in flight
                gateway.command(silent, "read", "{\"id\":\"crash-1\",\"path\":\"/3/0/0\",\"timeout\":60}");
                await().atMost(WAIT).until(() -> link.droppedFromGateway() > 0);

                gateway.stop();
                assertThat(gateway.output()).contains("stopped in");
                link.reconnect();
                gateway.start();

                try (TestDevice lampAgain = givenDevice(lamp).withLight().inQueueMode().registeredAt(gateway.coapPort())) {
                    await().atMost(WAIT).untilAsserted(() -> assertThat(statuses(mqtt, writes))
                            .as(gateway.allOutput()).hasSize(4));
                    assertThat(statuses(mqtt, writes)).containsExactly("keep-1:queued", "keep-2:queued",
                            "keep-1:success", "keep-2:success");
                    assertThat(lampAgain.dimmerWrites()).containsExactly(7L, 14L);
                }
                // left unacknowledged by the stopping gateway, redelivered by the broker to the new one, sent
                // again and answered: one final result across both lives
                await().atMost(WAIT).untilAsserted(() -> assertThat(statuses(mqtt, reads)).as(gateway.allOutput())
                        .isNotEmpty());
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> statuses(mqtt, reads).size() == 1 && statuses(mqtt, writes).size() == 4);
                assertThat(statuses(mqtt, reads)).containsExactly("crash-1:success");
            }
        }
    }

    private static List<String> statuses(MqttProbe mqtt, String topic) {
        return mqtt.on(topic).stream().map(m -> m.json().path("id").asText() + ":" + m.json().path("status").asText())
                .toList();
    }
}
