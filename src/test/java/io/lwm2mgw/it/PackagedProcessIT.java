package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway as an operator starts and stops it: a process, signals and an exit code. The artifact
 * is the jar, or the native executable when the build says so (system property {@code it.artifact}).
 */
class PackagedProcessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Process gateway;
    private Path log;

    @AfterEach
    void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    @Test
    void a_configuration_error_stops_start_up_with_one_message_naming_the_key() throws Exception {
        start(Map.of(), "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=99999",
                "-Dgateway.lwm2m.coap.ack-timeout=0s");

        assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("the gateway refuses to start").isTrue();
        String output = Files.readString(log);
        assertThat(gateway.exitValue()).as(output).isNotZero();
        assertThat(output).contains("gateway.mqtt.port: 99999 is outside 0..65535")
                .contains("gateway.lwm2m.coap.ack-timeout: PT0S must be longer than zero")
                .doesNotContain("\tat ").doesNotContain("started in");
    }

    @Test
    void sigterm_turns_readiness_down_first_then_stops_within_the_grace_period() throws Exception {
        int http = TestBrokers.freePort();
        String id = "gw-stop-" + UUID.randomUUID().toString().substring(0, 8);
        MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/gateway/" + id + "/status");
        try {
            start(Map.of("QUARKUS_SHUTDOWN_DELAY", "2s"), "-Dgateway.id=" + id, "-Dquarkus.http.port=" + http,
                    "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + TestBrokers.mqttPort());
            URI ready = URI.create("http://127.0.0.1:" + http + "/q/health/ready");
            URI live = URI.create("http://127.0.0.1:" + http + "/q/health/live");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> status(ready) == 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> mqtt.last("lwm2m/gateway/" + id + "/status")
                    .map(m -> m.text().equals("online")).orElse(false));

            long signalled = System.nanoTime();
            gateway.destroy(); // SIGTERM

            await().atMost(Duration.ofSeconds(1)).ignoreExceptions().until(() -> status(ready) == 503);
            assertThat(status(live)).as("still serving during the delay").isEqualTo(200);
            assertThat(gateway.isAlive()).isTrue();
            // grace period in deploy/k8s: 20 s, above the 2 s delay here plus the 8 s shutdown timeout
            assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(Files.readString(log)).contains("stopping: readiness is DOWN").contains("stopped in");
            await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.last("lwm2m/gateway/" + id + "/status")
                    .map(m -> m.text().equals("offline")).orElse(false));
        } finally {
            mqtt.close();
        }
    }

    private void start(Map<String, String> env, String... properties) throws IOException {
        String artifact = System.getProperty("it.artifact", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>();
        boolean jar = artifact.endsWith(".jar");
        if (jar) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        } else {
            command.add(artifact);
        }
        command.addAll(List.of(properties));
        command.add("-Dgateway.lwm2m.host=127.0.0.1");
        command.add("-Dgateway.lwm2m.port=0");
        command.add("-Dgateway.commands.store-directory=target/it-command-store/" + UUID.randomUUID());
        if (jar) {
            command.add("-jar");
            command.add(artifact);
        }
        log = Files.createTempFile("gateway-process", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        gateway = builder.start();
    }

    private static int status(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).statusCode();
    }
}
