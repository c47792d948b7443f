package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Firmware updates of single devices, push and pull, against Leshan devices running the spec's Object 5. */
@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class FirmwareFlowTest {

    private static final Duration WAIT = FirmwareRig.WAIT;

    @Inject
    Lwm2mEndpoint lwm2m;

    private FirmwareRig rig;
    private MqttProbe mqtt;
    private TestDevice device;

    @BeforeEach
    void setUp() throws IOException {
        rig = new FirmwareRig();
        mqtt = rig.mqtt();
    }

    @AfterEach
    void tearDown() {
        if (device != null) {
            device.close();
        }
        rig.close();
    }

    private TestDevice device(FirmwareBehaviour behaviour) {
        device = givenDevice("lamp-" + UUID.randomUUID().toString().substring(0, 8)).withFirmware(behaviour)
                .registeredAt(lwm2m.boundPort().orElseThrow());
        return device;
    }

    private JsonNode update(String json) {
        return rig.update(device.endpoint(), "fw-" + UUID.randomUUID(), json);
    }

    private List<String> steps() {
        return mqtt.on("lwm2m/" + device.endpoint() + "/events/firmware").stream()
                .map(m -> m.json().get("state").asText()).distinct().toList();
    }

    private static String inline(byte[] image) {
        return "\"image\":{\"base64\":\"" + Base64.getEncoder().encodeToString(image) + "\"}";
    }

    @Test
    void a_pushed_update_ends_with_the_new_firmware_version() {
        device(new FirmwareBehaviour());
        byte[] image = TestFirmwareImages.valid("2.0.0", 20_000);

        JsonNode result = update(inline(image) + ",\"method\":\"push\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        assertThat(result.get("values").get("/3/0/3").asText()).isEqualTo("2.0.0");
        assertThat(device.firmwareVersion()).isEqualTo("2.0.0");
        assertThat(device.firmware().bytesReceived()).isEqualTo(image.length);
        assertThat(steps()).containsExactly("started", "downloading", "downloaded", "updating", "succeeded");
        JsonNode last = mqtt.on("lwm2m/" + device.endpoint() + "/events/firmware").stream()
                .reduce((a, b) -> b).orElseThrow().json();
        assertThat(last.get("firmwareVersion").asText()).isEqualTo("2.0.0");
        assertThat(last.get("updateResult").asInt()).isEqualTo(1);
        assertThat(last.get("bytesTotal").asLong()).isEqualTo(image.length);
        assertThat(last.get("commandId").asText()).isEqualTo(result.get("id").asText());
    }

    @Test
    void a_read_during_a_push_takes_its_turn_between_blocks_and_never_overlaps_one() {
        device(new FirmwareBehaviour().answeringBlocksAfter(Duration.ofMillis(20)));
        byte[] image = TestFirmwareImages.valid("2.0.1", 16_000);
        String id = "fw-" + UUID.randomUUID();
        rig.command(device.endpoint(), "firmware-update",
                "{\"id\":\"" + id + "\"," + inline(image) + ",\"method\":\"push\"}");
        await().atMost(WAIT).until(() -> device.firmware().blockBytesReceived() > 0);

        for (int i = 0; i < 5; i++) {
            rig.command(device.endpoint(), "read", "{\"id\":\"r-" + i + "-" + id + "\",\"path\":\"/3/0/0\"}");
        }

        String reads = "lwm2m/" + device.endpoint() + "/results/read";
        await().atMost(WAIT).until(() -> mqtt.on(reads).size() == 5);
        assertThat(device.firmware().blockBytesReceived()).as("the reads were answered while the push went on")
                .isLessThan(image.length);
        assertThat(mqtt.on(reads)).extracting(m -> m.json().get("status").asText()).containsOnly("success");
        String results = "lwm2m/" + device.endpoint() + "/results/firmware-update";
        await().atMost(WAIT).until(() -> !mqtt.on(results).isEmpty());
        assertThat(mqtt.on(results).get(0).json().get("status").asText()).isEqualTo("success");
        assertThat(device.firmware().maxRequestsInFlight()).as("one request in flight per device").isEqualTo(1);
    }

    @Test
    void a_pulled_update_downloads_once_checks_the_digest_and_is_polled_when_observe_is_refused() throws Exception {
        device(new FirmwareBehaviour().pullOnly().refusingObserve());
        byte[] image = TestFirmwareImages.valid("3.1.0", 50_000);
        String url = rig.serve(image);
        String sha = HexFormat.of().formatHex(TestFirmwareImages.sha256(image));

        JsonNode result = update("\"image\":{\"url\":\"" + url + "\",\"sha256\":\"" + sha + "\"},\"method\":\"auto\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        assertThat(device.firmwareVersion()).isEqualTo("3.1.0");
        assertThat(rig.downloads()).isEqualTo(1);
        String uri = device.firmware().lastUri;
        assertThat(uri).startsWith("coap://127.0.0.1:" + lwm2m.boundPort().orElseThrow() + "/fw/");
        assertThat(uri.substring(uri.lastIndexOf('/') + 1)).hasSizeGreaterThanOrEqualTo(22);
        // the URI ends with the update
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(FirmwareUpdateObject.configuration()).build();
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(endpoint);
        try {
            CoapResponse response = client.get();
            assertThat(response.getCode()).isEqualTo(CoAP.ResponseCode.NOT_FOUND);
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    @Test
    void an_image_of_a_mebibyte_is_pushed_block_by_block() {
        device(new FirmwareBehaviour().pushOnly());
        byte[] image = TestFirmwareImages.valid("4.0.0", 1024 * 1024);

        JsonNode result = update("\"image\":{\"url\":\"" + rig.serve(image) + "\"}");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        assertThat(device.firmware().bytesReceived()).isEqualTo(image.length);
        assertThat(device.firmwareVersion()).isEqualTo("4.0.0");
        List<Long> sent = mqtt.on("lwm2m/" + device.endpoint() + "/events/firmware").stream()
                .filter(m -> m.json().get("state").asText().equals("downloading"))
                .map(m -> m.json().get("bytesSent").asLong()).toList();
        assertThat(sent).isSorted().hasSizeGreaterThan(3);
    }

    @Test
    void a_corrupt_image_fails_with_the_integrity_check_result() {
        device(new FirmwareBehaviour());
        JsonNode result = update(inline(TestFirmwareImages.corrupt("5.0.0", 3000)) + ",\"method\":\"push\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("device-error");
        assertThat(result.get("values").get("/5/0/5").asInt()).isEqualTo(5);
        assertThat(result.get("error").asText()).contains("integrity check failure");
        JsonNode failed = mqtt.on("lwm2m/" + device.endpoint() + "/events/firmware").stream()
                .filter(m -> m.json().get("state").asText().equals("failed")).findFirst().orElseThrow().json();
        assertThat(failed.get("updateResult").asInt()).isEqualTo(5);
        assertThat(failed.get("updateResultText").asText()).contains("integrity");
        assertThat(device.firmwareVersion()).isEqualTo("1.0.0");
    }

    @Test
    void a_pulled_package_of_the_wrong_type_fails_with_unsupported_package_type() {
        device(new FirmwareBehaviour().pullOnly());
        JsonNode result = update(inline(TestFirmwareImages.foreign(3000)) + ",\"method\":\"pull\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("device-error");
        assertThat(result.get("values").get("/5/0/5").asInt()).isEqualTo(6);
    }

    @Test
    void an_update_the_device_cannot_install_fails_with_its_update_result() {
        device(new FirmwareBehaviour().failingUpdate());
        JsonNode result = update(inline(TestFirmwareImages.valid("6.0.0", 3000)));

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("device-error");
        assertThat(result.get("values").get("/5/0/5").asInt()).isEqualTo(8);
        assertThat(steps()).contains("updating", "failed");
    }

    @Test
    void without_execute_the_update_ends_once_downloaded() {
        device(new FirmwareBehaviour());
        JsonNode result = update(inline(TestFirmwareImages.valid("7.0.0", 3000)) + ",\"execute\":false");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        assertThat(device.firmware().state()).isEqualTo(FirmwareUpdateObject.DOWNLOADED);
        assertThat(device.firmwareVersion()).isEqualTo("1.0.0");
    }

    @Test
    void bad_firmware_commands_are_invalid_and_an_unreachable_image_fails() {
        device(new FirmwareBehaviour());
        assertThat(update("\"method\":\"push\"").get("status").asText()).isEqualTo("invalid");
        assertThat(update("\"image\":{\"url\":\"ftp://x/y\"}").get("error").asText()).contains("http or https");
        assertThat(update(inline(new byte[] {1}) + ",\"method\":\"carrier-pigeon\"").get("status").asText())
                .isEqualTo("invalid");
        JsonNode missing = update("\"image\":{\"url\":\"" + rig.httpBase() + "/nothing-here\"}");
        assertThat(missing.get("status").asText()).isEqualTo("failed");
        assertThat(missing.get("error").asText()).contains("404");
        JsonNode wrongDigest = update("\"image\":{\"url\":\"" + rig.serve(TestFirmwareImages.valid("8", 500))
                + "\",\"sha256\":\"" + "0".repeat(64) + "\"}");
        assertThat(wrongDigest.get("status").asText()).isEqualTo("failed");
        assertThat(wrongDigest.get("error").asText()).contains("sha256");
    }
}
