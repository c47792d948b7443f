package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.sun.net.httpserver.HttpServer;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Firmware campaigns over groups of Leshan devices: concurrency limit, failure ratio, cancel, bad input. */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class CampaignFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    Lwm2mEndpoint lwm2m;

    private MqttProbe mqtt;
    private KafkaProbe kafka;
    private Mqtt5BlockingClient app;
    private final List<TestDevice> devices = new ArrayList<>();

    @BeforeEach
    void setUp() {
        mqtt = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/campaigns/#");
        kafka = new KafkaProbe(TestBrokers.kafkaBootstrap(), "lwm2m.campaign-status");
        app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        devices.forEach(TestDevice::close);
        app.disconnect();
        mqtt.close();
        kafka.close();
    }

    private List<String> fleet(String prefix, int count, FirmwareBehaviour behaviour) {
        List<String> names = new ArrayList<>();
        List<TestDevice> started = new ArrayList<>();
        // all register at once: one by one, twenty devices took seconds before their campaign began
        for (int i = 0; i < count; i++) {
            TestDevice device = givenDevice(prefix + "-" + i).withFirmware(behaviour)
                    .startedAt(lwm2m.boundPort().orElseThrow());
            started.add(device);
            devices.add(device);
            names.add(device.endpoint());
        }
        await().atMost(WAIT).until(() -> started.stream().allMatch(TestDevice::registered));
        return names;
    }

    private void start(String id, List<String> endpoints, byte[] image, int maxConcurrent, double ratio) {
        String body = "{\"id\":\"" + id + "\",\"endpoints\":[" + endpoints.stream().map(e -> "\"" + e + "\"")
                .collect(Collectors.joining(",")) + "],\"image\":{\"base64\":\""
                + Base64.getEncoder().encodeToString(image) + "\"},\"method\":\"push\",\"maxConcurrent\":"
                + maxConcurrent + ",\"maxFailureRatio\":" + ratio + "}";
        app.publishWith().topic("lwm2m/campaigns/" + id + "/start").qos(MqttQos.AT_LEAST_ONCE)
                .payload(body.getBytes(StandardCharsets.UTF_8)).send();
    }

    private List<JsonNode> statuses(String id) {
        return mqtt.on("lwm2m/campaigns/" + id + "/status").stream().map(MqttProbe.Received::json).toList();
    }

    private JsonNode last(String id) {
        List<JsonNode> all = statuses(id);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    @Test
    void a_campaign_over_twenty_devices_keeps_to_its_concurrency_limit_and_completes() {
        String id = "city-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> endpoints = fleet(id, 20, new FirmwareBehaviour());

        start(id, endpoints, TestFirmwareImages.valid("2.1.0", 8000), 4, 0.1);

        await().atMost(WAIT).until(() -> last(id) != null && last(id).get("state").asText().equals("completed"));
        JsonNode done = last(id);
        assertThat(done.get("total").asInt()).isEqualTo(20);
        assertThat(done.get("succeeded").asInt()).isEqualTo(20);
        assertThat(done.get("failed").asInt()).isZero();
        assertThat(statuses(id)).allSatisfy(s -> assertThat(s.get("updating").asInt()).isLessThanOrEqualTo(4));
        assertThat(statuses(id)).anySatisfy(s -> assertThat(s.get("updating").asInt()).isEqualTo(4));
        assertThat(devices).allSatisfy(d -> assertThat(d.firmwareVersion()).isEqualTo("2.1.0"));
        assertThat(mqtt.on("lwm2m/campaigns/" + id + "/status")).allSatisfy(m -> assertThat(m.retain()).isTrue());
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.campaign-status", id).stream()
                .anyMatch(r -> r.json().get("state").asText().equals("completed")));
    }

    @Test
    void a_campaign_stops_once_too_many_devices_fail_and_leaves_the_rest_alone() {
        String id = "bad-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> endpoints = fleet(id, 6, new FirmwareBehaviour());

        start(id, endpoints, TestFirmwareImages.corrupt("2.2.0", 3000), 1, 0.2);

        await().atMost(WAIT).until(() -> last(id) != null && last(id).get("state").asText().equals("stopped"));
        JsonNode stopped = last(id);
        assertThat(stopped.get("failed").asInt()).isEqualTo(2);
        assertThat(stopped.get("cancelled").asInt()).isEqualTo(4);
        assertThat(stopped.get("devices").get(endpoints.get(5)).asText()).isEqualTo("cancelled");
        assertThat(devices.get(5).firmware().packagesReceived.get()).isZero();
    }

    @Test
    void a_cancelled_campaign_starts_no_more_devices_and_bad_starts_are_invalid() {
        String id = "cancel-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> endpoints = fleet(id, 4, new FirmwareBehaviour().updatingFor(Duration.ofSeconds(2)));
        start(id, endpoints, TestFirmwareImages.valid("2.3.0", 3000), 1, 1.0);
        await().atMost(WAIT).until(() -> last(id) != null && last(id).get("updating").asInt() == 1);

        app.publishWith().topic("lwm2m/campaigns/" + id + "/cancel").qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[0]).send();

        await().atMost(WAIT).until(() -> last(id).get("state").asText().equals("cancelled")
                && last(id).get("updating").asInt() == 0);
        assertThat(last(id).get("succeeded").asInt()).isEqualTo(1);
        assertThat(last(id).get("cancelled").asInt()).isEqualTo(3);

        app.publishWith().topic("lwm2m/campaigns/broken/start").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"endpoints\":[]}".getBytes(StandardCharsets.UTF_8)).send();
        await().atMost(WAIT).until(() -> last("broken") != null);
        assertThat(last("broken").get("state").asText()).isEqualTo("invalid");
        assertThat(last("broken").get("error").asText()).isNotEmpty();
        assertThat(mqtt.on("lwm2m/campaigns/broken/status")).as("an answer, not a status").allSatisfy(m ->
                assertThat(m.retain()).isFalse());
    }

    @Test
    void a_cancel_for_an_unknown_campaign_is_answered_and_leaves_nothing_retained() {
        String known = "known-" + UUID.randomUUID().toString().substring(0, 6);
        start(known, fleet(known, 1, new FirmwareBehaviour()), TestFirmwareImages.valid("2.4.0", 2000), 1, 1.0);
        await().atMost(WAIT).until(() -> last(known) != null && last(known).get("state").asText().equals("completed"));
        String ghost = "ghost-" + UUID.randomUUID().toString().substring(0, 6);

        app.publishWith().topic("lwm2m/campaigns/" + ghost + "/cancel").qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[0]).send();

        await().atMost(WAIT).until(() -> last(ghost) != null);
        assertThat(last(ghost).get("state").asText()).isEqualTo("invalid");
        assertThat(last(ghost).get("error").asText()).contains(ghost);
        assertThat(mqtt.on("lwm2m/campaigns/" + ghost + "/status").get(0).retain()).isFalse();
        // Kafka's status topic is compacted: the answer is followed by a tombstone, so compaction keeps nothing
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.campaign-status", ghost).size() == 2);
        List<KafkaProbe.Record> records = kafka.on("lwm2m.campaign-status", ghost);
        assertThat(records.get(0).json().get("state").asText()).isEqualTo("invalid");
        assertThat(records.get(1).value()).as("a tombstone").isNull();
        // an unreadable message for a known campaign is answered, then the campaign's own status is the last record
        int before = kafka.on("lwm2m.campaign-status", known).size();
        app.publishWith().topic("lwm2m/campaigns/" + known + "/start").qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"endpoints\":5}".getBytes(StandardCharsets.UTF_8)).send();
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.campaign-status", known).size() == before + 2);
        List<KafkaProbe.Record> knownRecords = kafka.on("lwm2m.campaign-status", known);
        assertThat(knownRecords.get(before).json().get("state").asText()).isEqualTo("invalid");
        assertThat(knownRecords.get(before + 1).json().get("state").asText()).isEqualTo("completed");
        // a subscriber that comes later gets the retained statuses: the known campaign's, none for the ghost
        try (MqttProbe later = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/campaigns/#")) {
            await().atMost(WAIT).until(() -> !later.on("lwm2m/campaigns/" + known + "/status").isEmpty());
            assertThat(later.on("lwm2m/campaigns/" + ghost + "/status")).isEmpty();
        }
    }

    @Test
    void a_campaign_without_a_digest_downloads_its_image_once_and_gives_every_device_the_same_bytes()
            throws Exception {
        String id = "once-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> endpoints = fleet(id, 2, new FirmwareBehaviour());
        byte[] image = TestFirmwareImages.valid("2.5.0", 6000);
        AtomicInteger downloads = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/lamp.bin", exchange -> {
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, image.length);
            exchange.getResponseBody().write(image);
            exchange.close();
        });
        http.start();
        try {
            startWith(id, endpoints, "{\"url\":\"http://127.0.0.1:" + http.getAddress().getPort()
                    + "/lamp.bin\"}", 1, ""); // one at a time: no download in flight to share

            await().atMost(WAIT).until(() -> last(id) != null && last(id).get("state").asText().equals("completed"));
            assertThat(last(id).get("succeeded").asInt()).isEqualTo(2);
            assertThat(downloads.get()).as("one download for the campaign, not one per device").isEqualTo(1);
            assertThat(devices).allSatisfy(d -> {
                assertThat(d.firmwareVersion()).isEqualTo("2.5.0");
                assertThat(d.firmware().bytesReceived()).isEqualTo(image.length);
            });
        } finally {
            http.stop(0);
        }
    }

    @Test
    void a_campaign_device_that_registers_late_waits_and_is_updated_without_an_early_started_event() {
        String id = "late-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> endpoints = new ArrayList<>(fleet(id, 1, new FirmwareBehaviour()));
        String late = id + "-late";
        endpoints.add(late);
        try (MqttProbe firmwareEvents = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/" + late + "/events/firmware")) {
            startWith(id, endpoints, "{\"base64\":\"" + Base64.getEncoder()
                    .encodeToString(TestFirmwareImages.valid("2.6.0", 3000)) + "\"}", 2, ",\"ttl\":120");

            await().atMost(WAIT).until(() -> last(id) != null && last(id).get("succeeded").asInt() == 1
                    && last(id).get("devices").get(late).asText().equals("queued"));
            assertThat(last(id).get("state").asText()).isEqualTo("running");
            assertThat(firmwareEvents.all()).as("nothing started for a device that is not there").isEmpty();

            TestDevice device = givenDevice(late).withFirmware(new FirmwareBehaviour())
                    .registeredAt(lwm2m.boundPort().orElseThrow());
            devices.add(device);

            await().atMost(WAIT).until(() -> last(id).get("state").asText().equals("completed"));
            assertThat(last(id).get("succeeded").asInt()).isEqualTo(2);
            assertThat(device.firmwareVersion()).isEqualTo("2.6.0");
            assertThat(firmwareEvents.all().get(0).json().get("state").asText()).isEqualTo("started");
        }
    }

    private void startWith(String id, List<String> endpoints, String image, int maxConcurrent, String more) {
        String body = "{\"id\":\"" + id + "\",\"endpoints\":[" + endpoints.stream().map(e -> "\"" + e + "\"")
                .collect(Collectors.joining(",")) + "],\"image\":" + image + ",\"method\":\"push\",\"maxConcurrent\":"
                + maxConcurrent + ",\"maxFailureRatio\":1.0" + more + "}";
        app.publishWith().topic("lwm2m/campaigns/" + id + "/start").qos(MqttQos.AT_LEAST_ONCE)
                .payload(body.getBytes(StandardCharsets.UTF_8)).send();
    }
}
