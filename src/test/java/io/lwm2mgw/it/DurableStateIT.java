package io.lwm2mgw.it;

import static io.lwm2mgw.it.PackagedGatewayProcess.status;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gateway restart loses nothing: the packaged gateway is stopped with SIGTERM and started again on the
 * same state folder and port; the device, which keeps running and never registers again, still takes
 * commands and its auto-observed values keep flowing (the notification matches the stored observation by
 * its token). Its own topic root keeps other gateways on the shared broker (the one of
 * {@link PackagedGatewayIT} may still run) from answering its commands.
 */
class DurableStateIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOT = "durable-it";

    @Test
    void registrations_and_observations_survive_a_gateway_restart() throws Exception {
        int coap = TestBrokers.freePort();
        int http = TestBrokers.freePort();
        String state = "target/it-registration-store/" + UUID.randomUUID();
        String endpoint = "durable-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> config = List.of("-Dgateway.id=gw-durable", "-Dquarkus.http.port=" + http,
                "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + TestBrokers.mqttPort(),
                "-Dgateway.lwm2m.host=127.0.0.1", "-Dgateway.lwm2m.port=" + coap,
                "-Dgateway.lwm2m.state-directory=" + state,
                "-Dgateway.commands.store-directory=target/it-command-store/" + UUID.randomUUID(),
                "-Dgateway.observe.rules[0].path=/3303", "-Dgateway.observe.rules[0].pmin=0",
                "-Dgateway.mqtt.topic-root=" + ROOT);
        String data = ROOT + "/" + endpoint + "/data/3303";

        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), ROOT + "/" + endpoint + "/#")) {
            TestDevice device;
            try (PackagedGatewayProcess before = PackagedGatewayProcess.start(Map.of(), config)) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> status(http, "/q/health/ready") == 200);
                device = givenDevice(endpoint).withTemperature().withLifetime(Duration.ofMinutes(10)).registeredAt(coap);
                await().atMost(WAIT).until(() -> !mqtt.on(data).isEmpty());
                before.process().destroy();
                assertThat(before.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            int observedBefore = mqtt.on(data).size();

            try (PackagedGatewayProcess after = PackagedGatewayProcess.start(Map.of(), config); device) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> status(http, "/q/health/ready") == 200);
                assertThat(after.output()).contains("restored 1 registrations with 1 observations");

                device.setTemperature(31.5);
                await().atMost(WAIT).until(() -> mqtt.on(data).stream().skip(observedBefore)
                        .anyMatch(m -> m.json().path("values").path("/3303/0/5700").asDouble() == 31.5));
                JsonNode read = read(endpoint, "/3303/0/5700");
                assertThat(read.path("status").asText()).as(read + "\n" + after.output()).isEqualTo("success");
                assertThat(mqtt.on(ROOT + "/" + endpoint + "/events/registered")).as("the device did not register again")
                        .hasSize(1);
            }
        }
    }

    private static JsonNode read(String endpoint, String path) {
        Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        try (MqttProbe results = new MqttProbe(TestBrokers.mqttPort(), ROOT + "/" + endpoint + "/results/read")) {
            String id = "c-" + UUID.randomUUID();
            app.publishWith().topic(ROOT + "/" + endpoint + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"id\":\"" + id + "\",\"path\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8)).send();
            await().atMost(WAIT).until(() -> results.all().stream().anyMatch(m -> id.equals(m.json().path("id").asText())));
            return results.all().stream().filter(m -> id.equals(m.json().path("id").asText())).findFirst().orElseThrow()
                    .json();
        } finally {
            app.disconnect();
        }
    }
}
