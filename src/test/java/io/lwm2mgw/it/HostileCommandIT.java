package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commands an attacker (or a careless application) sends, against Debian's mosquitto reached through a proxy that
 * can take the broker away. A PUBLISH the HiveMQ client cannot decode (a Response Topic with a wildcard, which
 * mosquitto 2 passes on) must not cut the gateway off: the command gets one {@code invalid} result on its results
 * topic, is acknowledged, and the connection stays up, also when the broker hands the PUBLISH over right after
 * the CONNACK of a resumed session. A response topic may not point into the gateway's own topics nor outside
 * {@code gateway.mqtt.response-topic-filter}. The packaged jar, as an operator runs it.
 */
@QuarkusIntegrationTest
@TestProfile(HostileCommandIT.OnMosquitto.class)
class HostileCommandIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STATUS = "lwm2m/gateway/gw-test/status";
    // the profile and the test class live in different class loaders: share the port, not the object
    static final TcpProxy PROXY = new TcpProxy(proxyPort(), Mosquitto.port());

    static int proxyPort() {
        return TestBrokers.sharedFreePort("test.poison.proxy-port");
    }

    /** MQTT on mosquitto through the proxy, Kafka off, response topics only under {@code app/+/replies}. */
    public static class OnMosquitto implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(PackagedAppResource.isolated());
            config.putAll(Map.of("gateway.mqtt.host", "127.0.0.1", "gateway.mqtt.port", String.valueOf(proxyPort()),
                    "gateway.mqtt.response-topic-filter", "app/+/replies/#",
                    // back within half a second once the proxy lets the broker through again
                    "gateway.mqtt.max-reconnect-delay", "500ms"));
            return config;
        }
    }

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
        try (TestDevice device = givenDevice("poison-1").registeredAt(PackagedAppResource.coapPort());
                MqttProbe results = new MqttProbe(Mosquitto.port(), "lwm2m/poison-1/results/+");
                MqttProbe status = new MqttProbe(Mosquitto.port(), STATUS)) {
            awaitOnline(status);

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
        try (TestDevice device = givenDevice("poison-2").registeredAt(PackagedAppResource.coapPort());
                MqttProbe results = new MqttProbe(Mosquitto.port(), "lwm2m/poison-2/results/+");
                MqttProbe status = new MqttProbe(Mosquitto.port(), STATUS)) {
            awaitOnline(status);

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

    @Test
    void a_response_topic_under_the_topic_root_or_outside_the_filter_is_refused() {
        try (TestDevice device = givenDevice("reply-1").registeredAt(PackagedAppResource.coapPort());
                MqttProbe results = new MqttProbe(Mosquitto.port(), "lwm2m/reply-1/results/+");
                MqttProbe elsewhere = new MqttProbe(Mosquitto.port(), "#")) {
            awaitOnline(elsewhere);
            String read = "lwm2m/reply-1/commands/read";
            Mosquitto.publish(Mosquitto.port(), read, "{\"id\":\"r-1\",\"path\":\"/3/0/0\"}",
                    "-D", "publish", "response-topic", "lwm2m/victim/events/registered");
            Mosquitto.publish(Mosquitto.port(), read, "{\"id\":\"r-2\",\"path\":\"/3/0/0\"}",
                    "-D", "publish", "response-topic", "lwm2m/gateway/gw-test/status");
            Mosquitto.publish(Mosquitto.port(), read, "{\"id\":\"r-3\",\"path\":\"/3/0/0\"}",
                    "-D", "publish", "response-topic", "unrelated/topic");
            Mosquitto.publish(Mosquitto.port(), read, "{\"id\":\"r-4\",\"path\":\"/3/0/0\"}",
                    "-D", "publish", "response-topic", "app/a1/replies/7");

            await().atMost(WAIT).until(() -> results.all().size() >= 3 && !elsewhere.on("app/a1/replies/7").isEmpty());
            assertThat(results.all()).extracting(m -> m.json().path("id").asText() + ":"
                    + m.json().path("status").asText() + ":" + m.json().path("error").asText()).containsExactly(
                    "r-1:invalid:response topic 'lwm2m/victim/events/registered' lies under the gateway's topic root"
                            + " 'lwm2m'",
                    "r-2:invalid:response topic 'lwm2m/gateway/gw-test/status' lies under the gateway's topic root"
                            + " 'lwm2m'",
                    "r-3:invalid:response topic 'unrelated/topic' does not match gateway.mqtt.response-topic-filter"
                            + " 'app/+/replies/#'");
            assertThat(elsewhere.on("app/a1/replies/7").get(0).json().path("status").asText()).isEqualTo("success");
            assertThat(elsewhere.on("lwm2m/victim/events/registered")).isEmpty();
            assertThat(elsewhere.on("unrelated/topic")).isEmpty();
            assertThat(elsewhere.on("lwm2m/gateway/gw-test/status")).extracting(MqttProbe.Received::text)
                    .containsExactly("online");
        }
    }

    @Test
    void a_command_on_an_undecodable_topic_or_with_an_endless_timeout_gets_one_invalid_result() {
        try (TestDevice device = givenDevice("edge-1").registeredAt(PackagedAppResource.coapPort());
                MqttProbe results = new MqttProbe(Mosquitto.port(), "lwm2m/+/results/+");
                MqttProbe status = new MqttProbe(Mosquitto.port(), STATUS)) {
            awaitOnline(status);
            Mosquitto.publish(Mosquitto.port(), "lwm2m/%ZZ/commands/read", "{\"id\":\"zz\",\"path\":\"/3/0/0\"}");
            Mosquitto.publish(Mosquitto.port(), "lwm2m/edge-1/commands/read",
                    "{\"id\":\"long\",\"path\":\"/3/0/0\",\"timeout\":1e308}");

            await().atMost(WAIT).until(() -> results.all().size() >= 2);
            assertThat(results.all()).extracting(m -> m.topic() + " " + m.json().path("id").asText() + ":"
                    + m.json().path("status").asText()).containsExactly(
                    "lwm2m/%25ZZ/results/read zz:invalid", "lwm2m/edge-1/results/read long:invalid");
            assertThat(results.all().get(0).json().path("error").asText()).contains("bad percent escape in '%ZZ'");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> results.all().size() == 2);
        }
    }

    /**
     * A command published before the gateway's first connection has subscribed is dropped by the broker (there is
     * no session to keep it in yet): wait for the retained {@code online}, which the gateway publishes right after
     * its SUBSCRIBE on the same connection, so the broker has taken the subscription by then.
     */
    private static void awaitOnline(MqttProbe probe) {
        await().atMost(WAIT).until(() -> probe.last(STATUS).map(m -> m.text().equals("online")).orElse(false));
    }
}
