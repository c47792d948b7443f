package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** LwM2M 1.1 Send ({@code POST /dp}) from Leshan clients, published as telemetry on MQTT and Kafka. */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class SendFlowTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URL metrics;

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.telemetry"};
    }

    @Test
    void every_timestamped_reading_of_one_send_reaches_mqtt_and_kafka_at_its_own_time() {
        try (TestDevice device = givenDevice("send-1").withTemperature().registeredAt(port)) {
            device.setTemperature(21.0);
            device.collect("/3303/0/5700", "/3/0/9");
            Instant firstCollected = Instant.now();
            await().atMost(WAIT).until(() -> Instant.now().isAfter(firstCollected.plusMillis(20)));
            device.setTemperature(22.0);
            device.collect("/3303/0/5700");
            Instant secondCollected = Instant.now();
            await().atMost(WAIT).until(() -> Instant.now().isAfter(secondCollected.plusMillis(20)));
            device.setTemperature(23.0);
            device.collect("/3303/0/5700");
            Instant beforeSend = Instant.now();

            assertThat(device.sendCollected()).isEqualTo("CHANGED");

            String topic = "lwm2m/send-1/data/3303/0/5700";
            await().atMost(WAIT).until(() -> mqtt.on(topic).size() >= 3);
            List<JsonNode> viaMqtt = mqtt.on(topic).stream().map(MqttProbe.Received::json).toList();
            assertThat(viaMqtt).hasSize(3).allSatisfy(doc -> {
                assertThat(doc.get("source").asText()).isEqualTo("send");
                assertThat(doc.has("observationId")).isFalse();
                assertThat(doc.get("path").asText()).isEqualTo("/3303/0/5700");
                assertThat(doc.get("values").get("/3303/0/5700").isDouble()).as("typed by the model").isTrue();
            });
            assertThat(viaMqtt).extracting(d -> d.get("values").get("/3303/0/5700").asDouble())
                    .containsExactly(21.0, 22.0, 23.0);
            List<Instant> times = viaMqtt.stream().map(d -> Instant.parse(d.get("time").asText())).toList();
            assertThat(times).as("each reading at its own time, not the time of the Send").isSorted()
                    .doesNotHaveDuplicates();
            assertThat(times.get(0)).isBeforeOrEqualTo(firstCollected.truncatedTo(ChronoUnit.MILLIS));
            assertThat(times.get(2)).isBefore(beforeSend.plusMillis(1));
            Contract.assertMqttMessage(mqtt.on(topic).get(0), "send-1", "lwm2m.send");

            // /3/0/9 is auto-observed too: its notifications share the topic, the Send's reading is the one with a source
            await().atMost(WAIT).until(() -> !sentOn("lwm2m/send-1/data/3/0/9").isEmpty());
            JsonNode battery = sentOn("lwm2m/send-1/data/3/0/9").get(0);
            assertThat(battery.get("values").get("/3/0/9").isIntegralNumber()).isTrue();
            assertThat(battery.get("time").asText()).isEqualTo(viaMqtt.get(0).get("time").asText());

            await().atMost(WAIT).until(() -> sent(kafka.on("lwm2m.telemetry", "send-1")).size() >= 4);
            List<KafkaProbe.Record> viaKafka = sent(kafka.on("lwm2m.telemetry", "send-1"));
            assertThat(viaKafka).hasSize(4);
            Contract.assertKafkaRecord(viaKafka.get(0), "send-1", "lwm2m.send");
            assertThat(viaKafka.stream().map(KafkaProbe.Record::json)
                    .filter(d -> d.get("path").asText().equals("/3303/0/5700")).toList())
                    .as("the same documents as on MQTT, in the same order").isEqualTo(viaMqtt);
        }
    }

    @Test
    void a_send_without_timestamps_is_published_at_its_arrival_per_path_and_counted() throws Exception {
        try (TestDevice device = givenDevice("send-2").withTemperature().registeredAt(port)) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

            assertThat(device.send(ContentFormat.SENML_JSON, "/3303/0", "/3/0/9")).isEqualTo("CHANGED");

            // SenML names resources: an instance's Send is published per resource
            await().atMost(WAIT).untilAsserted(() -> assertThat(mqtt.all().stream()
                    .filter(m -> m.topic().startsWith("lwm2m/send-2/data/") && m.json().has("source"))
                    .map(MqttProbe.Received::topic)).containsExactlyInAnyOrder("lwm2m/send-2/data/3303/0/5700",
                            "lwm2m/send-2/data/3303/0/5701", "lwm2m/send-2/data/3/0/9"));
            JsonNode temperature = sentOn("lwm2m/send-2/data/3303/0/5700").get(0);
            assertThat(temperature.get("values").get("/3303/0/5700").asDouble()).isEqualTo(20.5);
            assertThat(sentOn("lwm2m/send-2/data/3303/0/5701").get(0).get("values").get("/3303/0/5701").asText())
                    .isEqualTo("Cel");
            assertThat(Instant.parse(temperature.get("time").asText())).isAfterOrEqualTo(before);
            assertThat(sentOn("lwm2m/send-2/data/3/0/9").get(0).get("values").get("/3/0/9").asLong())
                    .isEqualTo(100L);
            await().atMost(WAIT).until(() -> sent(kafka.on("lwm2m.telemetry", "send-2")).size() == 3);

            assertThat(PrometheusScrape.value(metrics, "lwm2m_sends_total")).isGreaterThanOrEqualTo(1);
        }
    }

    private List<JsonNode> sentOn(String topic) {
        return mqtt.on(topic).stream().map(MqttProbe.Received::json).filter(d -> d.has("source")).toList();
    }

    private static List<KafkaProbe.Record> sent(List<KafkaProbe.Record> records) {
        return records.stream().filter(r -> "send".equals(r.json().path("source").asText())).toList();
    }
}
