package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The web console in a real browser: Debian's Chromium driven by Playwright ({@code src/test/console}) against
 * this gateway and a real Leshan device over UDP. Runs in the {@code console} profile
 * ({@code ./mvnw -B -ntp test -Pconsole}), after {@code npm ci} in {@code src/test/console} and
 * {@code apt-get install chromium}; {@code .ci/run} does both. Screenshots land in {@code target/console}.
 */
@QuarkusTest
@WithTestResource(BrokersResource.class)
@Tag("console")
class ConsoleBrowserTest {

    private static final Path SCRIPT_DIR = Path.of("src/test/console");
    private static final Path SHOTS = Path.of("target/console");

    @Inject
    Lwm2mEndpoint lwm2m;

    @TestHTTPResource("/")
    URL base;

    @Test
    void an_operator_reads_writes_and_observes_a_device_in_the_console() throws Exception {
        assertThat(SCRIPT_DIR.resolve("node_modules/playwright-core")).as("run npm ci in src/test/console first")
                .isDirectory();
        assertThat(Path.of("/usr/bin/chromium")).as("apt-get install -y chromium").isExecutable();
        String endpoint = "console-" + UUID.randomUUID().toString().substring(0, 8);
        ScheduledExecutorService weather = Executors.newSingleThreadScheduledExecutor();
        try (TestDevice device = givenDevice(endpoint).withTemperature().withLight()
                .registeredAt(lwm2m.boundPort().orElseThrow())) {
            double[] celsius = {20.0};
            // the device's temperature changes every half second for as long as the browser runs
            weather.scheduleAtFixedRate(() -> device.setTemperature(celsius[0] += 0.5), 0, 500, TimeUnit.MILLISECONDS);
            Files.createDirectories(SHOTS);
            Path log = SHOTS.resolve("console-test.log");
            String url = "http://" + base.getHost() + ":" + base.getPort();
            Process node = new ProcessBuilder("node", "console.test.mjs", url, endpoint,
                    SHOTS.toAbsolutePath().toString())
                    .directory(SCRIPT_DIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = node.waitFor(3, TimeUnit.MINUTES);
            if (!ended) {
                node.destroyForcibly();
            }
            String output = Files.readString(log);
            System.out.println(output);
            assertThat(ended).as("the browser test ended within 3 minutes").isTrue();
            assertThat(node.exitValue()).as("the browser test's exit code; its log:\n" + output).isZero();
            assertThat(device.dimmerWrites()).as("the write from the console reached the device").contains(42L);
            for (String shot : new String[] {"console-devices.png", "console-device.png", "console-campaigns.png"}) {
                File file = SHOTS.resolve(shot).toFile();
                assertThat(file).as(shot).isFile();
                assertThat(file.length()).as(shot).isGreaterThan(1000);
            }
        } finally {
            weather.shutdownNow();
        }
    }
}
