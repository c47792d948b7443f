package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no MQTT broker and no Kafka configured, the gateway brings its own MQTT 5 broker. */
@QuarkusTest
@TestProfile(EmbeddedBrokerTest.NothingConfigured.class)
class EmbeddedBrokerTest {

    /** No gateway.mqtt.host, no kafka.bootstrap.servers; only the embedded broker's port is moved off 1883. */
    public static class NothingConfigured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.mqtt.embedded.port", String.valueOf(embeddedPort()));
        }
    }

    static int embeddedPort() {
        return TestBrokers.sharedFreePort("test.embedded.mqtt-port");
    }

    @Inject
    Lwm2mEndpoint lwm2m;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @Test
    void a_first_time_user_sees_devices_on_the_embedded_broker_without_configuring_anything() throws Exception {
        try (MqttProbe probe = new MqttProbe(embeddedPort());
                TestDevice device = givenDevice("first-1").registeredAt(lwm2m.boundPort().orElseThrow())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !probe.on("lwm2m/first-1/events/registered").isEmpty()
                    && !probe.on("lwm2m/first-1/status").isEmpty());
            Contract.assertMqttMessage(probe.last("lwm2m/first-1/status").orElseThrow(), "first-1", "lwm2m.status");

            MqttProbe.Received online = probe.last("lwm2m/gateway/gw-test/status").orElseThrow();
            assertThat(online.text()).isEqualTo("online");
            assertThat(online.retain()).isTrue();

            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(readiness.toURI()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"mqtt\": \"connected\"").doesNotContain("kafka")
                    .doesNotContain("Reactive Messaging");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(readiness.toURI()
                    .resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).as("Kafka is off: no gauge says it is down")
                    .contains("northbound_connected{sink=\"mqtt\"").doesNotContain("sink=\"kafka\"");
        }
    }
}
