package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator API against real Leshan devices over UDP, with the shared in-process brokers. */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class OperatorApiTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    Lwm2mEndpoint lwm2m;

    @TestHTTPResource("/")
    URL base;

    private ApiClient api;
    private MqttProbe mqtt;
    private final List<TestDevice> devices = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        api = new ApiClient(base.toURI(), Optional.empty());
        mqtt = new MqttProbe(TestBrokers.mqttPort());
    }

    @AfterEach
    void tearDown() {
        devices.forEach(TestDevice::close);
        mqtt.close();
    }

    private TestDevice device(TestDevice.Builder builder) {
        TestDevice device = builder.registeredAt(lwm2m.boundPort().orElseThrow());
        devices.add(device);
        return device;
    }

    private static List<String> endpoints(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).map(i -> i.get("endpoint").asText())
                .toList();
    }

    @Test
    void devices_are_listed_sorted_filtered_and_paged() {
        device(givenDevice("api-" + run + "-c"));
        device(givenDevice("api-" + run + "-a").withTemperature());
        device(givenDevice("api-" + run + "-b"));

        JsonNode all = api.get("/api/v1/devices?endpoint=api-" + run).json();
        assertThat(endpoints(all)).containsExactly("api-" + run + "-a", "api-" + run + "-b", "api-" + run + "-c");
        JsonNode first = all.get("items").get(0);
        assertThat(first.get("state").asText()).isEqualTo("registered");
        assertThat(first.has("registrationId")).as("never the registration id, as on MQTT").isFalse();
        assertThat(first.get("lwm2mVersion").asText()).isNotEmpty();
        assertThat(first.get("time").asText()).matches(Contract.TIME);
        assertThat(first.get("objects").toString()).contains("\"/3303/0\"");
        assertThat(all.get("nextCursor").isNull()).isTrue();

        JsonNode page1 = api.get("/api/v1/devices?endpoint=api-" + run + "&limit=2").json();
        assertThat(endpoints(page1)).containsExactly("api-" + run + "-a", "api-" + run + "-b");
        JsonNode page2 = api.get("/api/v1/devices?endpoint=api-" + run + "&limit=2&cursor="
                + page1.get("nextCursor").asText()).json();
        assertThat(endpoints(page2)).containsExactly("api-" + run + "-c");
        assertThat(page2.get("nextCursor").isNull()).isTrue();

        assertThat(endpoints(api.get("/api/v1/devices?endpoint=api-" + run + "&object=3303").json()))
                .containsExactly("api-" + run + "-a");
        assertThat(endpoints(api.get("/api/v1/devices?endpoint=*" + run + "-%3F&state=registered&queueMode=false")
                .json())).hasSize(3);
        assertThat(endpoints(api.get("/api/v1/devices?endpoint=*" + run + "-[ab]").json())).isEmpty();
        assertThat(endpoints(api.get("/api/v1/devices?endpoint=api-" + run + "&state=sleeping").json())).isEmpty();

        ApiClient.Answer bad = api.get("/api/v1/devices?limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("limit");
        assertThat(api.get("/api/v1/devices?cursor=nonsense!").status()).isEqualTo(400);
    }

    @Test
    void the_device_page_names_objects_by_their_models_and_shows_the_last_observed_values() {
        TestDevice lamp = device(givenDevice("page-" + run).withTemperature().withLight());
        lamp.setTemperature(23.5);

        await().atMost(WAIT).until(() -> api.get("/api/v1/devices/page-" + run).json().path("values")
                .path("/3303/0/5700").path("value").asDouble() == 23.5);
        JsonNode page = api.get("/api/v1/devices/page-" + run).json();
        assertThat(page.get("endpoint").asText()).isEqualTo("page-" + run);
        assertThat(page.get("state").asText()).isEqualTo("registered");
        assertThat(page.get("values").get("/3303/0/5700").get("time").asText()).matches(Contract.TIME);
        List<String> names = StreamSupport.stream(page.get("instances").spliterator(), false)
                .map(i -> i.get("path").asText() + "=" + i.get("name").asText()).toList();
        assertThat(names).contains("/3/0=Device", "/3303/0=Temperature", "/3311/0=Light Control");
        JsonNode sensorValue = StreamSupport.stream(page.get("models").get("3303").get("resources").spliterator(),
                false).filter(r -> r.get("id").asInt() == 5700).findFirst().orElseThrow();
        assertThat(sensorValue.get("operations").asText()).isEqualTo("R");
        assertThat(sensorValue.get("type").asText()).isEqualTo("float");
        JsonNode reboot = StreamSupport.stream(page.get("models").get("3").get("resources").spliterator(), false)
                .filter(r -> r.get("id").asInt() == 4).findFirst().orElseThrow();
        assertThat(reboot.get("operations").asText()).isEqualTo("E");
        assertThat(StreamSupport.stream(page.get("events").spliterator(), false).map(e -> e.get("event").asText()))
                .contains("registered");

        assertThat(api.get("/api/v1/devices/nobody-" + run).status()).isEqualTo(404);
    }

    @Test
    void an_endpoint_name_with_a_slash_is_one_percent_encoded_path_segment() {
        String name = "urn:imei:1/2-" + run;
        device(givenDevice(name));
        String segment = URLEncoder.encode(name, StandardCharsets.UTF_8);
        ApiClient.Answer page = api.get("/api/v1/devices/" + segment);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("endpoint").asText()).isEqualTo(name);
        ApiClient.Answer read = api.post("/api/v1/devices/" + segment + "/commands/read", "{\"path\":\"/3/0/0\"}");
        assertThat(read.json().get("status").asText()).isEqualTo("success");
        assertThat(read.json().get("endpoint").asText()).isEqualTo(name);
    }

    @Test
    void a_command_answers_its_final_result_which_also_goes_to_the_results_topic() {
        TestDevice lamp = device(givenDevice("cmd-" + run).withLight());
        ApiClient.Answer read = api.post("/api/v1/devices/cmd-" + run + "/commands/read",
                "{\"id\":\"r-" + run + "\",\"path\":\"/3/0\"}");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("id").asText()).isEqualTo("r-" + run);
        assertThat(read.json().get("status").asText()).isEqualTo("success");
        assertThat(read.json().get("values").get("/3/0/0").asText()).isEqualTo("Open Mobile Alliance");
        await().atMost(WAIT).until(() -> mqtt.on("lwm2m/cmd-" + run + "/results/read").stream()
                .anyMatch(m -> m.json().path("id").asText().equals("r-" + run)));

        ApiClient.Answer write = api.post("/api/v1/devices/cmd-" + run + "/commands/write",
                "{\"path\":\"/3311/0/5851\",\"value\":42}");
        assertThat(write.status()).isEqualTo(200);
        assertThat(write.json().get("code").asText()).isEqualTo("2.04");
        assertThat(lamp.dimmerWrites()).contains(42L);
    }

    @Test
    void a_command_without_waiting_gets_202_with_its_id_and_the_result_goes_out_as_usual() {
        device(givenDevice("nowait-" + run));
        ApiClient.Answer accepted = api.post("/api/v1/devices/nowait-" + run + "/commands/read?wait=false",
                "{\"path\":\"/3/0/0\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("id").asText();
        assertThat(id).isNotEmpty();
        await().atMost(WAIT).until(() -> mqtt.on("lwm2m/nowait-" + run + "/results/read").stream()
                .anyMatch(m -> m.json().path("id").asText().equals(id)
                        && m.json().path("status").asText().equals("success")));
    }

    @Test
    void an_invalid_command_gets_its_invalid_result_with_400_and_on_the_results_topic() {
        device(givenDevice("bad-" + run));
        ApiClient.Answer bad = api.post("/api/v1/devices/bad-" + run + "/commands/read",
                "{\"id\":\"b-" + run + "\",\"path\":\"/3/x\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("status").asText()).isEqualTo("invalid");
        assertThat(bad.json().get("error").asText()).isNotEmpty();
        ApiClient.Answer unreadable = api.post("/api/v1/devices/bad-" + run + "/commands/read", "{not json");
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(unreadable.json().get("status").asText()).isEqualTo("invalid");
        await().atMost(WAIT).until(() -> mqtt.on("lwm2m/bad-" + run + "/results/read").stream()
                .anyMatch(m -> m.json().path("id").asText().equals("b-" + run)));
    }

    @Test
    void the_event_stream_carries_a_registration_and_readings_of_the_chosen_device() throws Exception {
        String name = "sse-" + run;
        try (ApiClient.EventStream events = api.events("?endpoint=" + name)) {
            await().atMost(WAIT).until(() -> !events.data("connected").isEmpty());
            TestDevice sensor = device(givenDevice(name).withTemperature());
            device(givenDevice("other-" + run));
            await().atMost(WAIT).until(() -> events.data("event").stream()
                    .anyMatch(e -> e.path("event").asText().equals("registered")));
            sensor.setTemperature(30.25);
            await().atMost(WAIT).until(() -> events.data("data").stream()
                    .anyMatch(d -> d.path("values").path("/3303/0/5700").asDouble() == 30.25));
            JsonNode registered = events.data("event").get(0);
            assertThat(registered.get("endpoint").asText()).isEqualTo(name);
            assertThat(registered.get("time").asText()).matches(Contract.TIME);
            assertThat(events.data("event")).allMatch(e -> e.get("endpoint").asText().equals(name));
            // the same documents as on MQTT
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/" + name + "/events/registered").isEmpty());
            assertThat(registered).isEqualTo(mqtt.on("lwm2m/" + name + "/events/registered").get(0).json());
            JsonNode reading = events.data("data").stream()
                    .filter(d -> d.path("values").path("/3303/0/5700").asDouble() == 30.25).findFirst().orElseThrow();
            await().atMost(WAIT).until(() -> !mqtt.matching(m -> m.topic().startsWith("lwm2m/" + name + "/data/")
                    && m.json().equals(reading)).isEmpty());
        }
    }

    @Test
    void campaigns_answer_an_unknown_id_with_404_and_an_unreadable_start_with_its_invalid_status() {
        assertThat(api.get("/api/v1/campaigns").json().get("items").isArray()).isTrue();
        assertThat(api.get("/api/v1/campaigns/none-" + run).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/campaigns/none-" + run + "/cancel", "").status()).isEqualTo(404);
        ApiClient.Answer bad = api.post("/api/v1/campaigns", "{\"id\":\"c-" + run + "\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("state").asText()).isEqualTo("invalid");
        assertThat(bad.json().get("error").asText()).contains("endpoints");
    }

    @Test
    void the_openapi_document_and_health_are_served() {
        ApiClient.Answer openapi = api.get("/q/openapi?format=json");
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.json().get("paths").has("/api/v1/devices/{ep}/commands/{op}")).isTrue();
        assertThat(api.get("/q/health/live").status()).isEqualTo(200);
    }

    @Test
    void commands_are_counted_by_op_and_status_and_their_round_trip_is_a_histogram() {
        device(givenDevice("metrics-" + run));
        assertThat(api.post("/api/v1/devices/metrics-" + run + "/commands/discover", "{\"path\":\"/3\"}").json()
                .get("status").asText()).isEqualTo("success");
        assertThat(api.post("/api/v1/devices/metrics-" + run + "/commands/read", "{\"path\":\"/3/x\"}").status())
                .isEqualTo(400);
        String metrics = api.get("/q/metrics").body();
        assertThat(metrics).containsPattern("lwm2m_commands_total\\{[^}]*op=\"discover\",[^}]*status=\"success\"[^}]*} [1-9]")
                .containsPattern("lwm2m_commands_total\\{[^}]*status=\"invalid\"[^}]*} [1-9]")
                .contains("lwm2m_command_round_trip_seconds_bucket{op=\"discover\"")
                .contains("lwm2m_commands_waiting ")
                .contains("lwm2m_firmware_updates_in_progress ")
                .contains("lwm2m_campaigns{state=\"running\"}");
    }

    private String campaign(String id, List<String> endpoints, int maxConcurrent) {
        return "{\"id\":\"" + id + "\",\"endpoints\":[" + String.join(",", endpoints.stream()
                .map(e -> "\"" + e + "\"").toList()) + "],\"image\":{\"base64\":\"" + java.util.Base64.getEncoder()
                .encodeToString(TestFirmwareImages.valid("3.0.0", 2000)) + "\"},\"method\":\"push\","
                + "\"maxConcurrent\":" + maxConcurrent + "}";
    }

    @Test
    void a_campaign_started_over_http_runs_to_completion_and_a_second_one_is_cancelled() {
        List<String> fleet = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fleet.add(device(givenDevice("fw-" + run + "-" + i).withFirmware(new FirmwareBehaviour())).endpoint());
        }
        ApiClient.Answer started = api.post("/api/v1/campaigns", campaign("http-" + run, fleet.subList(0, 2), 2));
        assertThat(started.status()).isEqualTo(201);
        assertThat(started.json().get("state").asText()).isEqualTo("running");
        assertThat(started.json().get("total").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/campaigns/http-" + run).json()
                .get("state").asText().equals("completed"));
        JsonNode done = api.get("/api/v1/campaigns/http-" + run).json();
        assertThat(done.get("succeeded").asInt()).isEqualTo(2);
        assertThat(done.get("devices").get(fleet.get(0)).asText()).isEqualTo("succeeded");
        assertThat(StreamSupport.stream(api.get("/api/v1/campaigns").json().get("items").spliterator(), false)
                .map(c -> c.get("id").asText())).contains("http-" + run);
        assertThat(api.get("/q/metrics").body())
                .containsPattern("lwm2m_firmware_updates_total\\{outcome=\"success\"} [2-9]");

        ApiClient.Answer second = api.post("/api/v1/campaigns", campaign("stop-" + run, List.of(fleet.get(2),
                "absent-" + run), 1));
        assertThat(second.status()).isEqualTo(201);
        ApiClient.Answer cancelled = api.post("/api/v1/campaigns/stop-" + run + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("cancelled");
        ApiClient.Answer again = api.post("/api/v1/campaigns", campaign("http-" + run, fleet, 1));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("state").asText()).as("a second start of a known id changes nothing")
                .isEqualTo("completed");
    }
}
