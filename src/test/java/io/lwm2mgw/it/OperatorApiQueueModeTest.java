package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Commands over HTTP for a sleeping device: they wait for it like MQTT ones, and the request waits its timeout. */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class OperatorApiQueueModeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    Lwm2mEndpoint lwm2m;

    @TestHTTPResource("/")
    URL base;

    private ApiClient api;
    private MqttProbe mqtt;
    private TestDevice device;

    @BeforeEach
    void sleepingDevice() throws Exception {
        api = new ApiClient(base.toURI(), Optional.empty());
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        device = givenDevice("napping-" + UUID.randomUUID().toString().substring(0, 8)).withLight().inQueueMode()
                .registeredAt(lwm2m.boundPort().orElseThrow());
        await().atMost(WAIT).until(() -> api.get("/api/v1/devices/" + device.endpoint()).json().path("state")
                .asText().equals("sleeping"));
    }

    @AfterEach
    void tearDown() {
        device.close();
        mqtt.close();
    }

    private String path(String op) {
        return "/api/v1/devices/" + device.endpoint() + "/commands/" + op;
    }

    @Test
    void a_request_that_outwaits_its_timeout_gets_202_with_the_queued_result_and_the_final_one_goes_to_mqtt() {
        assertThat(api.get("/api/v1/devices?queueMode=true&state=sleeping&endpoint=" + device.endpoint()).json()
                .get("items")).hasSize(1);
        ApiClient.Answer queued = api.post(path("write"), "{\"id\":\"late-1\",\"path\":\"/3311/0/5851\","
                + "\"value\":7,\"timeout\":1}");
        assertThat(queued.status()).isEqualTo(202);
        assertThat(queued.json().get("id").asText()).isEqualTo("late-1");
        assertThat(queued.json().get("status").asText()).isEqualTo("queued");
        assertThat(api.get("/q/metrics").body()).containsPattern("lwm2m_commands_waiting [1-9]");

        device.update(); // wakes up
        await().atMost(WAIT).until(() -> mqtt.on("lwm2m/" + device.endpoint() + "/results/write").stream()
                .anyMatch(m -> m.json().path("id").asText().equals("late-1")
                        && m.json().path("status").asText().equals("success")));
        assertThat(device.dimmerWrites()).contains(7L);
    }

    @Test
    void a_request_waiting_while_the_device_wakes_up_gets_the_final_result() {
        CompletableFuture<ApiClient.Answer> answer = api.postAsync(path("read"),
                "{\"id\":\"wake-1\",\"path\":\"/3311/0/5851\",\"timeout\":10}");
        await().atMost(WAIT).until(() -> mqtt.on("lwm2m/" + device.endpoint() + "/results/read").stream()
                .anyMatch(m -> m.json().path("status").asText().equals("queued")));
        assertThat(answer).isNotDone();

        device.update();
        await().atMost(WAIT).until(answer::isDone);
        assertThat(answer.join().status()).isEqualTo(200);
        assertThat(answer.join().json().get("status").asText()).isEqualTo("success");
        assertThat(answer.join().json().get("id").asText()).isEqualTo("wake-1");
    }
}
