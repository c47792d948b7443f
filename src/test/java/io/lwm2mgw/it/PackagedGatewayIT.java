package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway (the jar, or the native executable with -Dnative) in its own process, against the
 * in-process brokers and a real Leshan device: what a container runs is what is tested.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedAppResource.class, restrictToAnnotatedClass = true)
class PackagedGatewayIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    private MqttProbe mqtt;
    private KafkaProbe kafka;
    private TestDevice device;

    @BeforeEach
    void setUp() {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        kafka = new KafkaProbe(TestBrokers.kafkaBootstrap(), "lwm2m.status");
        await().atMost(WAIT).until(() -> get(ready).statusCode() == 200);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        try {
            Contract.assertEveryMqttMessage(mqtt.matching(m -> !m.topic().contains("/commands/")
                    && !m.topic().contains("/results/")));
            Contract.assertEveryKafkaRecord(kafka.all());
        } finally {
            if (device != null) {
                device.close();
            }
            mqtt.close();
            kafka.close();
        }
    }

    @Test
    void a_registration_is_published_as_status_on_mqtt_and_kafka() {
        device = givenDevice("it-" + UUID.randomUUID().toString().substring(0, 8)).withTemperature()
                .registeredAt(PackagedAppResource.coapPort());
        String topic = "lwm2m/" + device.endpoint() + "/status";

        await().atMost(WAIT).until(() -> mqtt.last(topic).isPresent());
        JsonNode status = mqtt.last(topic).orElseThrow().json();
        assertThat(status.get("state").asText()).isEqualTo("registered");
        assertThat(status.get("objects").toString()).contains("/3303/0");
        assertThat(mqtt.last(topic).orElseThrow().userProperties()).containsEntry("source", "/lwm2m-gateway/gw-test");
        await().atMost(WAIT).until(() -> kafka.all().stream().anyMatch(r -> device.endpoint().equals(r.key())));
        await().atMost(WAIT).until(() -> get(metrics).body().contains("lwm2m_registrations_total"));
    }

    @Test
    void a_command_from_mqtt_reaches_the_device_and_its_result_comes_back() {
        device = givenDevice("it-" + UUID.randomUUID().toString().substring(0, 8)).withLight()
                .registeredAt(PackagedAppResource.coapPort());
        Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("it-app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        try {
            String id = "c-" + UUID.randomUUID();
            app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/write").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"id\":\"" + id + "\",\"path\":\"/3311/0/5851\",\"value\":40}")
                            .getBytes(StandardCharsets.UTF_8)).send();
            String results = "lwm2m/" + device.endpoint() + "/results/write";

            await().atMost(WAIT).until(() -> mqtt.on(results).stream()
                    .anyMatch(m -> id.equals(m.json().path("id").asText())));
            JsonNode result = mqtt.on(results).stream().filter(m -> id.equals(m.json().path("id").asText()))
                    .findFirst().orElseThrow().json();
            assertThat(result.get("status").asText()).isEqualTo("success");
            assertThat(result.get("code").asText()).isEqualTo("2.04");
        } finally {
            app.disconnect();
        }
    }

    private static HttpResponse<String> get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
