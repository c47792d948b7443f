package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.northbound.kafka.KafkaSink;
import io.lwm2mgw.northbound.mqtt.MqttSink;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
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
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The northbound brokers go away and come back while devices keep notifying. The gateway reaches MQTT through
 * a proxy that starts closed (broker down at start); Kafka points at a port where nothing listens.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@TestProfile(BrokerOutageTest.Outage.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    // the profile and the test class live in different class loaders: share the port, not the object
    static final TcpProxy PROXY = new TcpProxy(proxyPort(), TestBrokers.mqttPort());

    static int proxyPort() {
        return TestBrokers.sharedFreePort("test.outage.proxy-port");
    }

    /** MQTT behind a closed proxy, Kafka unreachable, a buffer of 50 messages. */
    public static class Outage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.mqtt.host", "127.0.0.1",
                    "gateway.mqtt.port", String.valueOf(proxyPort()),
                    "kafka.bootstrap.servers", "127.0.0.1:" + kafkaPort(),
                    "gateway.buffer.capacity", "50");
        }
    }

    /** Nothing listens here until the last test starts a Kafka broker on it. */
    static int kafkaPort() {
        return TestBrokers.sharedFreePort("test.outage.kafka-port");
    }

    @Inject
    Lwm2mEndpoint lwm2m;

    @Inject
    KafkaSink kafkaSink;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    MqttSink mqttSink;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    private static final int KAFKA_CONTROLLER_PORT = TestBrokers.freePort();
    private static final String KAFKA_CLUSTER = org.apache.kafka.common.Uuid.randomUuid().toString();
    private static final java.nio.file.Path KAFKA_DATA = java.nio.file.Path.of("target",
            "outage-kafka-" + KAFKA_CLUSTER);
    private static EmbeddedKafkaBroker kafka;

    @AfterAll
    static void closeProxy() throws java.io.IOException {
        PROXY.close();
        if (kafka != null) {
            kafka.close();
        }
        org.apache.kafka.common.utils.Utils.delete(KAFKA_DATA.toFile());
    }

    @Test
    @Order(1)
    void while_the_brokers_are_down_at_start_devices_are_served_and_messages_wait_then_go_out_in_order()
            throws Exception {
        try (MqttProbe probe = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("outage-1").registeredAt(lwm2m.boundPort().orElseThrow())) {
            HttpResponse<String> ready = get(readiness);
            assertThat(ready.statusCode()).as("devices are served: the pod stays in the UDP Service").isEqualTo(200);
            assertThat(ready.body()).contains("\"mqtt\": \"unreachable\"").contains("\"kafka\": \"unreachable\"");

            await().atMost(WAIT).until(() -> mqttSink.bufferDepth() == 3); // status, registered, first value
            notifyOneByOne(device, 1, 20);

            PROXY.open();
            String topic = "lwm2m/outage-1/data/3/0/9";
            await().atMost(WAIT).until(() -> levels(probe.on(topic)).contains(20L));
            assertThat(levels(probe.on(topic))).containsExactlyElementsOf(
                    LongStream.concat(LongStream.of(100), LongStream.rangeClosed(1, 20)).boxed().toList());
            assertThat(probe.on("lwm2m/outage-1/events/registered")).hasSize(1);
            await().atMost(WAIT).until(() -> mqttSink.bufferDepth() == 0);
        }
    }

    @Test
    @Order(2)
    void a_broker_that_goes_down_and_comes_back_gets_everything_in_order() {
        PROXY.open();
        await().atMost(WAIT).until(mqttSink::connected);
        String topic = "lwm2m/outage-2/data/3/0/9";
        try (MqttProbe probe = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("outage-2").registeredAt(lwm2m.boundPort().orElseThrow())) {
            await().atMost(WAIT).until(() -> levels(probe.on(topic)).contains(100L));
            for (long level = 1; level <= 10; level++) {
                long expected = level;
                device.setBattery(level);
                await().atMost(WAIT).until(() -> levels(probe.on(topic)).contains(expected));
            }

            PROXY.close();
            await().atMost(WAIT).until(() -> !mqttSink.connected());
            notifyOneByOne(device, 11, 30);
            PROXY.open();

            await().atMost(WAIT).until(() -> levels(probe.on(topic)).contains(30L));
            List<Long> received = levels(probe.on(topic));
            // QoS 1 is at-least-once: a publish cut in flight may arrive twice, but nothing is lost or reordered
            assertThat(received.get(0)).as("the observe response comes first").isEqualTo(100L);
            assertThat(received.subList(1, received.size())).isSorted();
            assertThat(received.stream().distinct().toList()).containsExactlyElementsOf(
                    LongStream.concat(LongStream.of(100), LongStream.rangeClosed(1, 30)).boxed().toList());
        }
    }

    @Test
    @Order(3)
    void when_the_buffer_overflows_the_oldest_messages_are_dropped_and_counted() throws Exception {
        PROXY.open();
        await().atMost(WAIT).until(mqttSink::connected);
        String topic = "lwm2m/outage-3/data/3/0/9";
        try (MqttProbe probe = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("outage-3").registeredAt(lwm2m.boundPort().orElseThrow())) {
            await().atMost(WAIT).until(() -> levels(probe.on(topic)).contains(100L));
            PROXY.close();
            await().atMost(WAIT).until(() -> !mqttSink.connected());
            long droppedBefore = mqttSink.droppedCount();
            notifyOneByOne(device, 1, 80);
            assertThat(mqttSink.bufferDepth()).isEqualTo(50);
            assertThat(mqttSink.droppedCount() - droppedBefore).isEqualTo(30);
            assertThat(get(metrics).body()).containsPattern("northbound_dropped_total\\{sink=\"mqtt\"\\} [1-9]");

            PROXY.open();
            await().atMost(WAIT).until(() -> levels(probe.on(topic)).contains(80L));
            List<Long> afterOutage = levels(probe.on(topic)).stream().filter(l -> l != 100L).distinct().toList();
            assertThat(afterOutage).containsExactlyElementsOf(LongStream.rangeClosed(31, 80).boxed().toList());
        }
    }

    @Test
    @Order(4)
    void a_kafka_cluster_that_comes_up_late_gets_the_buffered_records_in_order() throws Exception {
        assertThat(kafkaSink.connected()).isFalse();
        // 50 readings (the telemetry buffer is full) plus every status and lifecycle event, which are never dropped
        assertThat(kafkaSink.bufferDepth()).as("the Kafka buffer holds what tests 1-3 produced").isGreaterThan(50);
        kafka = kafkaBroker().start();
        try (KafkaProbe probe = new KafkaProbe("127.0.0.1:" + kafkaPort(), "lwm2m.telemetry", "lwm2m.events")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> kafkaSink.connected() && kafkaSink.bufferDepth() == 0);
            await().atMost(WAIT).until(() -> kafkaLevels(probe.on("lwm2m.telemetry", "outage-3")).contains(80L));
            // the buffer kept the newest 50 messages, outage-3's values 31..80: all of them, in order, once
            assertThat(kafkaLevels(probe.on("lwm2m.telemetry", "outage-3")))
                    .containsExactlyElementsOf(LongStream.rangeClosed(31, 80).boxed().toList());
            assertThat(kafkaSink.droppedCount()).as("the oldest went, counted").isPositive();
            await().atMost(WAIT).untilAsserted(() -> assertThat(probe.on("lwm2m.events", "outage-3"))
                    .as("lifecycle events were kept through the overflow").isNotEmpty());
        }
    }

    @Test
    @Order(5)
    void records_sent_while_a_kafka_broker_that_had_them_flowing_restarts_all_arrive_in_order() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(kafkaSink::connected);
        long droppedBefore = kafkaSink.droppedCount();
        try (KafkaProbe probe = new KafkaProbe("127.0.0.1:" + kafkaPort(), "lwm2m.telemetry");
                TestDevice device = givenDevice("outage-5").registeredAt(lwm2m.boundPort().orElseThrow())) {
            // the observe response first: a value set before the observation exists would not be notified
            await().atMost(WAIT).until(() -> kafkaLevels(probe.on("lwm2m.telemetry", "outage-5")).contains(100L));
            notifyOneByOne(device, 1, 5);
            await().atMost(WAIT).until(() -> kafkaLevels(probe.on("lwm2m.telemetry", "outage-5")).contains(5L));

            kafka.close(); // its log directory stays: the same broker comes back below
            notifyOneByOne(device, 6, 30);
            assertThat(kafkaSink.bufferDepth()).as("waiting, with the producer or in the buffer").isPositive();
            kafka = kafkaBroker().start();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> kafkaLevels(probe.on("lwm2m.telemetry", "outage-5")).contains(30L));
            assertThat(kafkaLevels(probe.on("lwm2m.telemetry", "outage-5"))).as("each once, in order")
                    .containsExactlyElementsOf(LongStream.concat(LongStream.of(100),
                            LongStream.rangeClosed(1, 30)).boxed().toList());
            assertThat(kafkaSink.droppedCount()).isEqualTo(droppedBefore);
        }
    }

    /** The one broker of tests 4 and 5, on the port the gateway was given, its data kept across a restart. */
    private static EmbeddedKafkaBroker kafkaBroker() {
        return new EmbeddedKafkaBroker().withNodeId(0).withKafkaPort(kafkaPort())
                .withControllerPort(KAFKA_CONTROLLER_PORT).withClusterId(KAFKA_CLUSTER)
                .withAdditionalProperties(p -> p.put("log.dir", KAFKA_DATA.toString()))
                .withDeleteLogDirsOnClose(false);
    }

    private static List<Long> kafkaLevels(List<KafkaProbe.Record> records) {
        return records.stream().map(r -> r.json().get("values").get("/3/0/9")).filter(v -> v != null)
                .map(JsonNode::asLong).toList();
    }

    /**
     * Sets the battery level to each value in turn, waiting until the gateway has received each notification
     * (so CoAP cannot coalesce them).
     */
    private void notifyOneByOne(TestDevice device, long from, long to) {
        for (long level = from; level <= to; level++) {
            double before = notifications();
            device.setBattery(level);
            await().atMost(WAIT).until(() -> notifications() == before + 1);
        }
    }

    private double notifications() {
        return registry.get("lwm2m.notifications").counter().count();
    }

    private static List<Long> levels(List<MqttProbe.Received> messages) {
        return messages.stream().map(m -> m.json().get("values").get("/3/0/9")).filter(v -> v != null)
                .map(JsonNode::asLong).toList();
    }

    private static HttpResponse<String> get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.toURI()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
