package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With no MQTT broker and no Kafka configured, the packaged gateway brings its own MQTT 5 broker, and what is off
 * by default (credential provisioning) says so.
 */
@QuarkusIntegrationTest
@TestProfile(EmbeddedBrokerIT.NothingConfigured.class)
class EmbeddedBrokerIT {

    /**
     * No gateway.mqtt.host, no kafka.bootstrap.servers; the embedded broker's port is moved off 1883 and the
     * ports and folders are the test's own.
     */
    public static class NothingConfigured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(PackagedAppResource.isolated());
            config.put("gateway.mqtt.embedded.port", String.valueOf(embeddedPort()));
            return config;
        }
    }

    static int embeddedPort() {
        return TestBrokers.sharedFreePort("test.embedded.mqtt-port");
    }

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @Test
    void a_first_time_user_sees_devices_on_the_embedded_broker_without_configuring_anything() throws Exception {
        try (MqttProbe probe = MqttProbe.once(embeddedPort());
                TestDevice device = givenDevice("first-1").registeredAt(PackagedAppResource.coapPort())) {
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

    @Test
    void credential_provisioning_is_off_unless_enabled_and_a_put_says_which_key_turns_it_on() {
        Mqtt5BlockingClient app = Mqtt5Client.builder().identifier("app-provisioning").serverHost("127.0.0.1")
                .serverPort(embeddedPort()).buildBlocking();
        try (MqttProbe probe = MqttProbe.once(embeddedPort())) {
            app.connect();
            String results = "lwm2m/new-lamp/results/credentials-put";
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                app.publishWith().topic("lwm2m/new-lamp/commands/credentials-put").qos(MqttQos.AT_LEAST_ONCE)
                        .payload("{\"psk\":{\"identity\":\"x\",\"key\":\"0102\"}}".getBytes(StandardCharsets.UTF_8))
                        .send();
                return probe.last(results).isPresent();
            });
            MqttProbe.Received result = probe.last(results).orElseThrow();
            assertThat(result.json().get("status").asText()).isEqualTo("invalid");
            assertThat(result.json().get("error").asText())
                    .contains("credential provisioning is off (gateway.lwm2m.security.provisioning.enabled)");
        } finally {
            app.disconnect();
        }
    }
}
