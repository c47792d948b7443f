package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 5: a broker that restarts without persistence has lost the gateway's session and every
 * retained message. When the gateway reconnects ("session not present") it publishes again the retained status
 * of every registered device and its own {@code online}, so a new subscriber sees the fleet as it is.
 */
class RetainedStateAfterBrokerLossIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void retained_statuses_and_online_are_published_again_after_the_broker_lost_the_session() throws Exception {
        try (MosquittoProcess broker = new MosquittoProcess().start();
                RestartableGateway gateway = new RestartableGateway("gw-retained", broker.port())) {
            gateway.start();
            List<String> retained = List.of(gateway.root() + "/lamp-a-" + gateway.id() + "/status",
                    gateway.root() + "/lamp-b-" + gateway.id() + "/status",
                    gateway.root() + "/gateway/" + gateway.id() + "/status");
            try (TestDevice a = givenDevice("lamp-a-" + gateway.id()).registeredAt(gateway.coapPort());
                    TestDevice b = givenDevice("lamp-b-" + gateway.id()).registeredAt(gateway.coapPort())) {
                try (MqttProbe before = new MqttProbe(broker.port(), gateway.root() + "/#")) {
                    await().atMost(WAIT).untilAsserted(() -> assertRetained(before, retained,
                            "before the broker restarts\n" + gateway.allOutput()));
                }

                broker.kill();
                broker.start();
                await().atMost(WAIT).until(() -> gateway.output().split("MQTT connected", -1).length - 1 >= 2);

                try (MqttProbe after = new MqttProbe(broker.port(), gateway.root() + "/#")) {
                    await().atMost(WAIT).untilAsserted(() -> assertRetained(after, retained,
                            "after the broker restarted\n" + gateway.allOutput()));
                }
                // a subscriber that comes later still finds them: they are retained at the broker
                try (MqttProbe later = new MqttProbe(broker.port(), gateway.root() + "/#")) {
                    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertRetained(later, retained, "later"));
                }
                assertThat(a.registered() && b.registered()).isTrue();
            }
        }
    }

    private static void assertRetained(MqttProbe probe, List<String> topics, String when) {
        for (String topic : topics) {
            assertThat(probe.last(topic)).as("retained %s %s", topic, when).hasValueSatisfying(m -> {
                assertThat(m.retain()).as("%s is retained", topic).isTrue();
                if (topic.contains("/gateway/")) {
                    assertThat(m.text()).isEqualTo("online");
                } else {
                    assertThat(m.json().path("state").asText()).isEqualTo("registered");
                }
            });
        }
    }
}
