package io.lwm2mgw.it;

import static io.lwm2mgw.it.PackagedGatewayProcess.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged gateway as an operator starts and stops it: a process, signals and an exit code. One serving gateway,
 * started with the class, is the first one of the second gateway's test and then the one SIGTERM stops: a jar start
 * less, and it starts while the refused starts run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedProcessIT {

    private static final String SERVING_ID = "gw-stop-" + UUID.randomUUID().toString().substring(0, 8);
    private static final int SERVING_HTTP = TestBrokers.freePort();
    private static final String SERVING_REGISTRATIONS = "-Dgateway.lwm2m.state-directory=target/it-registration-store/"
            + UUID.randomUUID();
    private static final String SERVING_COMMANDS = "-Dgateway.commands.store-directory=target/it-command-store/"
            + UUID.randomUUID();
    private static PackagedGatewayProcess serving;

    private PackagedGatewayProcess gateway;

    @BeforeAll
    static void startServing() throws Exception {
        serving = start(Map.of("QUARKUS_SHUTDOWN_DELAY", "2s"), "-Dgateway.id=" + SERVING_ID,
                "-Dquarkus.http.port=" + SERVING_HTTP, "-Dgateway.mqtt.host=127.0.0.1",
                "-Dgateway.mqtt.port=" + TestBrokers.mqttPort(), SERVING_REGISTRATIONS, SERVING_COMMANDS);
    }

    @AfterAll
    static void stopServing() {
        serving.close();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void a_configuration_error_stops_start_up_with_one_message_naming_every_key() throws Exception {
        gateway = start(Map.of(), "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=99999",
                "-Dgateway.lwm2m.coap.ack-timeout=0s", "-Dgateway.lwm2m.request-timeout=5 seconds");

        assertThat(gateway.process().waitFor(60, TimeUnit.SECONDS)).as("the gateway refuses to start").isTrue();
        String output = gateway.output();
        assertThat(gateway.process().exitValue()).as(output).isNotZero();
        assertThat(output).contains("gateway.mqtt.port: 99999 is outside 1..65535")
                .contains("gateway.lwm2m.coap.ack-timeout: PT0S must be longer than zero")
                .as("a value SmallRye cannot convert does not hide the range checks")
                .contains("gateway.lwm2m.request-timeout with the config value \"5 seconds\"")
                .doesNotContain("\tat ").doesNotContain("started in");
    }

    @Test
    @Order(2)
    void an_unwritable_store_folder_stops_start_up_with_one_line_naming_the_key() throws Exception {
        java.nio.file.Path blocker = java.nio.file.Files.createTempFile("not-a-folder", ".txt");
        gateway = start(Map.of(), "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + TestBrokers.mqttPort(),
                "-Dgateway.commands.store-directory=" + blocker.resolve("commands"));

        assertThat(gateway.process().waitFor(60, TimeUnit.SECONDS)).as("the gateway refuses to start").isTrue();
        String output = gateway.output();
        assertThat(gateway.process().exitValue()).as(output).isNotZero();
        assertThat(output).contains("gateway.commands.store-directory: " + blocker.resolve("commands")
                + " cannot be created").doesNotContain("\tat ").doesNotContain("started in");
    }

    @Test
    @Order(3)
    void a_coaps_port_held_by_another_process_stops_start_up_with_one_line_naming_it() throws Exception {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            gateway = start(Map.of(), "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + TestBrokers.mqttPort(),
                    "-Dgateway.lwm2m.security.coaps-port=" + taken.getLocalPort());

            assertThat(gateway.process().waitFor(60, TimeUnit.SECONDS)).as("the gateway refuses to start").isTrue();
            String output = gateway.output();
            assertThat(gateway.process().exitValue()).as(output).isNotZero();
            assertThat(output).contains("cannot listen on [coaps://127.0.0.1:" + taken.getLocalPort() + "]")
                    .contains("in use by another process").doesNotContain("\tat ").doesNotContain("started in");
        }
    }

    @Test
    @Order(4)
    void a_second_gateway_on_the_same_store_folders_refuses_to_start_and_the_first_keeps_serving() throws Exception {
        int http = SERVING_HTTP;
        awaitServing();

        try (PackagedGatewayProcess second = start(Map.of(), "-Dquarkus.http.port=" + TestBrokers.freePort(),
                "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + TestBrokers.mqttPort(),
                SERVING_REGISTRATIONS, SERVING_COMMANDS)) {
            assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).as("the second gateway refuses").isTrue();
            String output = second.output();
            assertThat(second.process().exitValue()).as(output).isNotZero();
            assertThat(output).contains("gateway.lwm2m.state-directory: ").contains("in use by another gateway process")
                    .doesNotContain("\tat ");
        }
        assertThat(status(http, "/q/health/ready")).isEqualTo(200);
    }

    @Test
    @Order(5) // last: it stops the serving gateway
    void sigterm_turns_readiness_down_first_then_stops_within_the_grace_period() throws Exception {
        int http = SERVING_HTTP;
        String id = SERVING_ID;
        PackagedGatewayProcess gateway = serving;
        // its "online" is retained: a probe that subscribes after the gateway connected still sees it
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/gateway/" + id + "/status")) {
            awaitServing();
            await().atMost(Duration.ofSeconds(10)).until(() -> mqtt.last("lwm2m/gateway/" + id + "/status")
                    .map(m -> m.text().equals("online")).orElse(false));

            long signalled = System.nanoTime();
            gateway.process().destroy(); // SIGTERM

            await().atMost(Duration.ofSeconds(1)).ignoreExceptions().until(() -> status(http, "/q/health/ready") == 503);
            assertThat(status(http, "/q/health/live")).as("still serving during the delay").isEqualTo(200);
            assertThat(gateway.process().isAlive()).isTrue();
            // grace period in deploy/k8s: 20 s, above the 2 s delay here plus the 8 s shutdown timeout
            assertThat(gateway.process().waitFor(20, TimeUnit.SECONDS)).as("stopped within the grace period").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(gateway.output()).contains("stopping: readiness is DOWN").contains("stopped in");
            await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.last("lwm2m/gateway/" + id + "/status")
                    .map(m -> m.text().equals("offline")).orElse(false));
        }
    }

    /** Waits until the serving gateway (started with QUARKUS_SHUTDOWN_DELAY=2s) is ready. */
    private static void awaitServing() {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> status(SERVING_HTTP, "/q/health/ready") == 200);
    }

    private static PackagedGatewayProcess start(Map<String, String> env, String... properties) throws Exception {
        List<String> all = new ArrayList<>(List.of(properties));
        all.add("-Dgateway.lwm2m.host=127.0.0.1");
        all.add("-Dgateway.lwm2m.port=0");
        addUnlessGiven(all, "-Dgateway.lwm2m.security.coaps-port=", "0");
        addUnlessGiven(all, "-Dquarkus.http.port=", String.valueOf(TestBrokers.freePort()));
        addUnlessGiven(all, "-Dgateway.commands.store-directory=", "target/it-command-store/" + UUID.randomUUID());
        addUnlessGiven(all, "-Dgateway.lwm2m.state-directory=", "target/it-registration-store/" + UUID.randomUUID());
        return PackagedGatewayProcess.start(env, all);
    }

    private static void addUnlessGiven(List<String> properties, String key, String value) {
        if (properties.stream().noneMatch(p -> p.startsWith(key))) {
            properties.add(key + value);
        }
    }
}
