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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every line the firmware flow logs about an update carries the update's {@code endpoint}, {@code commandId}
 * and {@code op} in the MDC, wherever it was logged: the flow's thread, a device's answer, a poll timer, the
 * update's deadline, an image download's thread.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class FirmwareLogContextTest {

    private static final Duration WAIT = FirmwareRig.WAIT;

    @Inject
    Lwm2mEndpoint lwm2m;

    private FirmwareRig rig;
    private TestDevice device;
    private LogCapture logs;

    @BeforeEach
    void setUp() throws IOException {
        rig = new FirmwareRig();
    }

    @AfterEach
    void tearDown() {
        if (logs != null) {
            logs.close();
        }
        if (device != null) {
            device.close();
        }
        rig.close();
    }

    private void device(FirmwareBehaviour behaviour) {
        device = givenDevice("fwlog-" + UUID.randomUUID().toString().substring(0, 8)).withFirmware(behaviour)
                .registeredAt(lwm2m.boundPort().orElseThrow());
        logs = LogCapture.start();
    }

    private JsonNode update(String id, String json) {
        return rig.update(device.endpoint(), id, json);
    }

    /** The firmware package's lines while the update ran, and anyone's that name it. */
    private List<LogCapture.Line> aboutTheUpdate(String id) {
        return logs.lines().stream().filter(l -> l.logger().startsWith("io.lwm2mgw.firmware")
                && !l.logger().contains("Campaign") || l.message().contains(id + " ")
                || l.message().endsWith(id)).toList();
    }

    private void assertEveryLineCarries(String id, List<LogCapture.Line> lines) {
        for (LogCapture.Line line : lines) {
            assertThat(line.mdc()).as(line.toString()).containsEntry("endpoint", device.endpoint())
                    .containsEntry("commandId", id).containsEntry("op", "firmware-update");
        }
    }

    @Test
    void a_pulled_update_that_is_polled_logs_every_step_with_its_command() {
        device(new FirmwareBehaviour().pullOnly().refusingObserve());
        byte[] image = TestFirmwareImages.valid("5.1.0", 30_000);
        String id = "fw-log-" + UUID.randomUUID();

        JsonNode result = update(id, "\"image\":{\"url\":\"" + rig.serve(image) + "\"},\"method\":\"auto\"");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("success");
        await().atMost(WAIT).until(() -> aboutTheUpdate(id).stream().anyMatch(l -> l.message().contains(" ended ")));
        List<LogCapture.Line> lines = aboutTheUpdate(id);
        assertThat(lines).extracting(LogCapture.Line::message).anyMatch(m -> m.contains(" started"))
                .anyMatch(m -> m.contains("downloaded from"))
                .anyMatch(m -> m.contains("refuses to be observed"))
                .anyMatch(m -> m.contains(" ended success"));
        assertEveryLineCarries(id, lines);
    }

    @Test
    void an_update_that_outlives_its_timeout_logs_its_end_from_the_timer_with_its_command() {
        device(new FirmwareBehaviour().updatingFor(Duration.ofSeconds(20)));
        String id = "fw-log-" + UUID.randomUUID();
        String image = Base64.getEncoder().encodeToString(TestFirmwareImages.valid("5.2.0", 2_000));

        JsonNode result = update(id, "\"image\":{\"base64\":\"" + image + "\"},\"method\":\"push\",\"timeout\":3");

        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("timeout");
        await().atMost(WAIT).until(() -> aboutTheUpdate(id).stream().anyMatch(l -> l.message().contains(" ended ")));
        List<LogCapture.Line> lines = aboutTheUpdate(id);
        assertThat(lines).extracting(LogCapture.Line::message).anyMatch(m -> m.contains(" ended timeout"));
        assertEveryLineCarries(id, lines);
    }
}
