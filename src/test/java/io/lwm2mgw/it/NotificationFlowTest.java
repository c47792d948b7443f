package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Auto-observe rules of the test profile: /3/0/9, /3303 (pmin 0, pmax 60) and /32769/0. */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class NotificationFlowTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URL metrics;

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.telemetry"};
    }

    @Test
    void auto_observed_values_reach_mqtt_and_kafka_typed_by_the_object_model() {
        try (TestDevice device = givenDevice("temp-1").withTemperature().registeredAt(port)) {
            String topic = "lwm2m/temp-1/data/3303";
            await().atMost(WAIT).until(() -> !mqtt.on(topic).isEmpty());
            MqttProbe.Received first = mqtt.on(topic).get(0);
            Contract.assertMqttMessage(first, "temp-1", "lwm2m.notification");
            assertThat(first.retain()).as("data is not retained by default").isFalse();
            JsonNode doc = first.json();
            assertThat(doc.get("path").asText()).isEqualTo("/3303");
            assertThat(doc.get("observationId").asText()).isNotBlank();
            assertThat(doc.get("values").get("/3303/0/5700").isDouble()).isTrue();
            assertThat(doc.get("values").get("/3303/0/5700").asDouble()).isEqualTo(20.5);
            assertThat(doc.get("values").get("/3303/0/5701").asText()).isEqualTo("Cel");

            device.setTemperature(23.25);
            await().atMost(WAIT).until(() -> mqtt.on(topic).stream()
                    .anyMatch(m -> m.json().get("values").path("/3303/0/5700").asDouble() == 23.25));

            await().atMost(WAIT).until(() -> kafka.on("lwm2m.telemetry", "temp-1").stream()
                    .anyMatch(r -> r.json().get("values").path("/3303/0/5700").asDouble() == 23.25));
            KafkaProbe.Record record = kafka.on("lwm2m.telemetry", "temp-1").stream()
                    .filter(r -> r.json().get("path").asText().equals("/3303")).findFirst().orElseThrow();
            Contract.assertKafkaRecord(record, "temp-1", "lwm2m.notification");
            assertThat(record.json().get("values").get("/3303/0/5700").asDouble()).isEqualTo(20.5);
        }
    }

    @Test
    void notifications_of_one_device_reach_both_brokers_in_the_order_they_arrived() {
        try (TestDevice device = givenDevice("order-1").registeredAt(port)) {
            String topic = "lwm2m/order-1/data/3/0/9";
            await().atMost(WAIT).until(() -> !mqtt.on(topic).isEmpty());
            for (int level = 1; level <= 50; level++) {
                device.setBattery(level);
            }
            await().atMost(WAIT).until(() -> batteryLevels(mqtt.on(topic).stream().map(MqttProbe.Received::json)
                    .toList()).contains(50L));
            await().atMost(WAIT).until(() -> batteryLevels(kafka.on("lwm2m.telemetry", "order-1").stream()
                    .map(KafkaProbe.Record::json).toList()).contains(50L));

            // CoAP may coalesce notifications in flight, but what arrives must never go backwards
            List<Long> viaMqtt = batteryLevels(mqtt.on(topic).stream().map(MqttProbe.Received::json).toList());
            List<Long> viaKafka = batteryLevels(kafka.on("lwm2m.telemetry", "order-1").stream()
                    .map(KafkaProbe.Record::json).toList());
            assertThat(viaMqtt.subList(1, viaMqtt.size())).isSorted().doesNotHaveDuplicates();
            assertThat(viaKafka).isEqualTo(viaMqtt);
            assertThat(viaMqtt.get(0)).as("first value is the observe response").isEqualTo(100L);
        }
    }

    private static List<Long> batteryLevels(List<JsonNode> docs) {
        return docs.stream().map(d -> d.get("values").get("/3/0/9")).filter(v -> v != null)
                .map(JsonNode::asLong).toList();
    }

    @Test
    void notifications_and_registrations_are_counted_in_the_prometheus_metrics() throws Exception {
        try (TestDevice device = givenDevice("metrics-1").withTemperature().registeredAt(port)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/metrics-1/data/3303").isEmpty());
            String body = PrometheusScrape.body(metrics);
            assertThat(PrometheusScrape.value(body, "lwm2m_notifications_total")).isGreaterThanOrEqualTo(2);
            assertThat(PrometheusScrape.value(body, "lwm2m_registrations_total")).isGreaterThanOrEqualTo(1);
            assertThat(PrometheusScrape.value(body, "lwm2m_devices_registered")).isGreaterThanOrEqualTo(1);
            assertThat(PrometheusScrape.value(body, "northbound_connected{sink=\"mqtt\"}")).isEqualTo(1);
            assertThat(body).contains("northbound_buffer_depth{sink=\"kafka\"}")
                    .contains("northbound_dropped_total{sink=\"mqtt\"}");
        }
    }

    @Test
    void an_object_no_model_knows_is_still_published_with_the_types_its_content_format_gives() {
        try (TestDevice device = givenDevice("mystery-1").withUnknownObject().registeredAt(port)) {
            String topic = "lwm2m/mystery-1/data/32769/0";
            await().atMost(WAIT).until(() -> !mqtt.on(topic).isEmpty());
            JsonNode values = mqtt.on(topic).get(0).json().get("values");
            assertThat(values.size()).as("every resource of the instance: %s", values).isEqualTo(4);
            // the device announced SenML, so the gateway asked for it: SenML carries the types
            assertThat(values.get("/32769/0/0").asText()).isEqualTo("hello");
            assertThat(values.get("/32769/0/1").asDouble()).isEqualTo(42.0);
            assertThat(values.get("/32769/0/2").asDouble()).isEqualTo(0.5);
            assertThat(values.get("/32769/0/3").asText()).as("opaque as base64").isEqualTo("AQID");

            device.setMysteryText("changed");
            await().atMost(WAIT).until(() -> mqtt.on(topic).size() >= 2);
            await().atMost(WAIT).until(() -> kafka.on("lwm2m.telemetry", "mystery-1").size() >= 2);
        }
    }

    @Test
    void observations_are_set_up_again_when_a_device_registers_again() {
        String topic = "lwm2m/again-1/data/3303";
        TestDevice first = givenDevice("again-1").withTemperature().registeredAt(port);
        await().atMost(WAIT).until(() -> mqtt.on(topic).size() == 1);
        first.vanish();
        try (TestDevice second = givenDevice("again-1").withTemperature().registeredAt(port)) {
            await().atMost(WAIT).until(() -> mqtt.on(topic).size() == 2);
            second.setTemperature(30.0);
            await().atMost(WAIT).until(() -> mqtt.on(topic).stream()
                    .anyMatch(m -> m.json().get("values").path("/3303/0/5700").asDouble() == 30.0));
            assertThat(mqtt.on(topic).get(0).json().get("observationId").asText())
                    .isNotEqualTo(mqtt.on(topic).get(1).json().get("observationId").asText());
        }
    }
}
