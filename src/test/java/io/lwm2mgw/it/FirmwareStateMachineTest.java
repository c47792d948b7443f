package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Firmware updates against devices whose Object 5 keeps to the spec's state machine where it hurts: a device
 * left in Downloaded refuses a new package, a device with a small buffer answers 4.13 (RFC 7959 2.9.3).
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class FirmwareStateMachineTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Lwm2mEndpoint lwm2m;

    private MqttProbe mqtt;
    private Mqtt5BlockingClient app;
    private TestDevice device;

    @BeforeEach
    void setUp() {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
    }

    @AfterEach
    void tearDown() {
        if (device != null) {
            device.close();
        }
        app.disconnect();
        mqtt.close();
    }

    private TestDevice device(FirmwareBehaviour behaviour) {
        device = givenDevice("fsm-" + UUID.randomUUID().toString().substring(0, 8)).withFirmware(behaviour)
                .registeredAt(lwm2m.boundPort().orElseThrow());
        return device;
    }

    /** Sends a firmware-update with this id and waits for its final result. */
    private JsonNode update(String id, byte[] image, String more) {
        String body = "{\"id\":\"" + id + "\",\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(image)
                + "\"}" + more + "}";
        app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/firmware-update").qos(MqttQos.AT_LEAST_ONCE)
                .payload(body.getBytes(StandardCharsets.UTF_8)).send();
        String topic = "lwm2m/" + device.endpoint() + "/results/firmware-update";
        await().atMost(WAIT).until(() -> mqtt.on(topic).stream().anyMatch(m -> id.equals(m.json().path("id").asText())));
        return mqtt.on(topic).stream().filter(m -> id.equals(m.json().path("id").asText())).findFirst().orElseThrow()
                .json();
    }

    /** The distinct firmware steps published for one update. */
    private List<String> steps(String commandId) {
        return mqtt.on("lwm2m/" + device.endpoint() + "/events/firmware").stream().map(MqttProbe.Received::json)
                .filter(e -> commandId.equals(e.path("commandId").asText())).map(e -> e.get("state").asText())
                .distinct().toList();
    }

    @Test
    void a_device_left_in_downloaded_is_reset_to_idle_and_installs_the_new_image_not_the_old_one() {
        device(new FirmwareBehaviour());
        JsonNode first = update("fw-old", TestFirmwareImages.valid("3.0.0", 5000), ",\"execute\":false");
        assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("success");
        assertThat(device.firmware().state()).as("left in Downloaded").isEqualTo(FirmwareUpdateObject.DOWNLOADED);

        JsonNode second = update("fw-new", TestFirmwareImages.valid("3.1.0", 7000), ",\"method\":\"push\"");

        assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("success");
        assertThat(device.firmwareVersion()).as("the new package, not the one left in Downloaded")
                .isEqualTo("3.1.0");
        assertThat(second.get("values").get("/3/0/3").asText()).isEqualTo("3.1.0");
        assertThat(steps("fw-new")).containsExactly("started", "downloading", "downloaded", "updating", "succeeded");
        assertThat(device.firmware().refusedBlocks.get()).as("no block was sent before the reset").isZero();
        List<Integer> history = device.firmware().stateHistory();
        int leftDownloaded = history.indexOf(FirmwareUpdateObject.DOWNLOADED);
        assertThat(history.subList(leftDownloaded, history.size())).as("reset, then the new package")
                .containsExactly(FirmwareUpdateObject.DOWNLOADED, FirmwareUpdateObject.IDLE,
                        FirmwareUpdateObject.DOWNLOADING, FirmwareUpdateObject.DOWNLOADED,
                        FirmwareUpdateObject.UPDATING, FirmwareUpdateObject.IDLE);
    }

    @Test
    void a_refused_block_ends_the_update_as_a_device_error_and_update_is_never_executed() {
        device(new FirmwareBehaviour().refusingPackages());

        JsonNode result = update("fw-refused", TestFirmwareImages.valid("4.0.0", 5000), ",\"method\":\"push\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("device-error");
        assertThat(result.get("code").asText()).isEqualTo("4.00");
        assertThat(steps("fw-refused")).containsExactly("started", "downloading", "failed");
        assertThat(device.firmware().refusedBlocks.get()).isEqualTo(1);
        assertThat(device.firmware().stateHistory()).doesNotContain(FirmwareUpdateObject.UPDATING);
        assertThat(device.firmwareVersion()).isNotEqualTo("4.0.0");
    }

    @Test
    void a_device_answering_4_13_to_512_byte_blocks_gets_the_image_in_the_block_size_it_names() {
        device(new FirmwareBehaviour().acceptingBlocksUpTo(256));
        byte[] image = TestFirmwareImages.valid("5.0.0", 6000);

        JsonNode result = update("fw-small", image, ",\"method\":\"push\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        assertThat(device.firmwareVersion()).isEqualTo("5.0.0");
        assertThat(device.firmware().refusedBlocks.get()).as("only the first 512-byte block").isEqualTo(1);
        assertThat(device.firmware().blockSizesReceived()).containsExactly(256);
        assertThat(device.firmware().bytesReceived()).isEqualTo(image.length);
    }
}
