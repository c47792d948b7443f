package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A PUBLISH the HiveMQ client cannot decode (a Response Topic with a wildcard, which mosquitto 2 passes on) must
 * not cut the gateway off: the command gets one {@code invalid} result on its results topic, is acknowledged, and
 * the connection stays up, also when the broker hands the PUBLISH over right after the CONNACK of a resumed
 * session. Runs against Debian's mosquitto, reached through a proxy that can take the broker away.
 */
@QuarkusTest
@TestProfile(PoisonPublishTest.OnMosquitto.class)
class PoisonPublishTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STATUS = "lwm2m/gateway/gw-test/status";
    // the profile and the test class live in different class loaders: share the port, not the object
    static final TcpProxy PROXY = new TcpProxy(proxyPort(), Mosquitto.port());

    static int proxyPort() {
        return TestBrokers.sharedFreePort("test.poison.proxy-port");
    }

    /** MQTT on mosquitto through the proxy, Kafka off. */
    public static class OnMosquitto implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.mqtt.host", "127.0.0.1", "gateway.mqtt.port", String.valueOf(proxyPort()));
        }
    }

    @Inject
    Lwm2mEndpoint lwm2m;

    @BeforeAll
    static void openProxy() {
        PROXY.open();
    }

    @AfterAll
    static void closeProxy() {
        PROXY.close();
    }

    @Test
    void a_command_with_a_wildcard_response_topic_is_answered_invalid_and_the_connection_stays_up() {
        try (TestDevice device = givenDevice("poison-1").registeredAt(lwm2m.boundPort().orElseThrow());
                MqttProbe results = new MqttProbe(Mosquitto.port(), "lwm2m/poison-1/results/+");
                MqttProbe status = new MqttProbe(Mosquitto.port(), STATUS)) {
            await().atMost(WAIT).until(() -> status.last(STATUS).map(m -> m.text().equals("online")).orElse(false));

            Mosquitto.publish(Mosquitto.port(), "lwm2m/poison-1/commands/read", "{\"id\":\"bad\",\"path\":\"/3/0/0\"}",
                    "-D", "publish", "response-topic", "lwm2m/+/x");
            // mosquitto holds the next command back until the bad one is acknowledged (max_inflight_messages 1)
            Mosquitto.publish(Mosquitto.port(), "lwm2m/poison-1/commands/read", "{\"id\":\"good\",\"path\":\"/3/0/0\"}");

            await().atMost(WAIT).until(() -> results.all().size() >= 2);
            List<String> statuses = results.all().stream()
                    .map(m -> m.json().path("id").asText() + ":" + m.json().path("status").asText()).toList();
            assertThat(statuses).containsExactly("bad:invalid", "good:success");
            assertThat(results.all().get(0).json().path("error").asText())
                    .isEqualTo("response topic 'lwm2m/+/x' contains a wildcard");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> results.all().size() == 2);
            assertThat(status.on(STATUS)).as("no reconnect: only the retained 'online'").hasSize(1);
        }
    }

    @Test
    void a_wildcard_response_topic_waiting_in_the_session_is_answered_after_the_reconnect() {
        try (TestDevice device = givenDevice("poison-2").registeredAt(lwm2m.boundPort().orElseThrow());
                MqttProbe results = new MqttProbe(Mosquitto.port(), "lwm2m/poison-2/results/+");
                MqttProbe status = new MqttProbe(Mosquitto.port(), STATUS)) {
            await().atMost(WAIT).until(() -> status.last(STATUS).map(m -> m.text().equals("online")).orElse(false));

            PROXY.close();
            await().atMost(WAIT).until(() -> status.last(STATUS).map(m -> m.text().equals("offline")).orElse(false));
            // waits in the gateway's session: delivered right behind the CONNACK of the next connection
            Mosquitto.publish(Mosquitto.port(), "lwm2m/poison-2/commands/read", "{\"id\":\"queued\",\"path\":\"/3/0/0\"}",
                    "-D", "publish", "response-topic", "lwm2m/#");
            PROXY.open();

            await().atMost(WAIT).until(() -> !results.all().isEmpty());
            assertThat(results.all().get(0).json().path("status").asText()).isEqualTo("invalid");
            assertThat(results.all().get(0).json().path("id").asText()).isEqualTo("queued");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> results.all().size() == 1
                    && status.on(STATUS).stream().filter(m -> m.text().equals("online")).count() == 2);
        }
    }
}
