package io.lwm2mgw.it;

import static io.lwm2mgw.it.PackagedGatewayProcess.status;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.state.redis.RedisCall;
import io.lwm2mgw.state.redis.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway on each state backend: on the embedded one it starts with no Redis configured and shows
 * no Redis health check; on redis (Debian's redis-server, started here) a device's
 * registration lands under the gateway's own key with its owner and expiry, and a restarted gateway restores it
 * from there.
 */
class StateBackendIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static List<String> config(int http, int coap, String id, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("-Dgateway.id=" + id, "-Dquarkus.http.port=" + http,
                "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + TestBrokers.mqttPort(),
                "-Dgateway.mqtt.topic-root=state-it", "-Dgateway.lwm2m.host=127.0.0.1",
                "-Dgateway.lwm2m.port=" + coap, "-Dgateway.lwm2m.security.coaps-port=0",
                "-Dgateway.lwm2m.state-directory=target/it-registration-store/" + UUID.randomUUID(),
                "-Dgateway.commands.store-directory=target/it-command-store/" + UUID.randomUUID()));
        all.addAll(List.of(more));
        return all;
    }

    private static String health(int http) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                + "/q/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void on_the_embedded_backend_no_redis_connection_and_no_redis_check_appear() throws Exception {
        int http = TestBrokers.freePort();
        try (PackagedGatewayProcess gateway = PackagedGatewayProcess.start(Map.of(),
                config(http, TestBrokers.freePort(), "gw-state-embedded"))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> status(http, "/q/health/ready") == 200);

            assertThat(health(http)).as("the health document").doesNotContainIgnoringCase("redis")
                    .contains("\"status\": \"UP\"");
            assertThat(gateway.output()).doesNotContainIgnoringCase("redis connection")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void on_redis_a_registration_is_stored_with_its_owner_and_expiry_and_restored_after_a_restart() throws Exception {
        Path folder = Files.createTempDirectory("redis-it");
        int http = TestBrokers.freePort();
        int coap = TestBrokers.freePort();
        String endpoint = "redis-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServerProcess redis = RedisServerProcess.start(folder)) {
            RedisCall call = redis.call();
            List<String> config = config(http, coap, "gw-state-redis", "-Dgateway.state.backend=redis",
                    "-Dquarkus.redis.hosts=redis://127.0.0.1:" + redis.port);
            TestDevice device;
            try (PackagedGatewayProcess before = PackagedGatewayProcess.start(Map.of(), config)) {
                await().atMost(WAIT).ignoreExceptions().until(() -> status(http, "/q/health/ready") == 200);
                device = givenDevice(endpoint).withLifetime(Duration.ofMinutes(10)).registeredAt(coap);
                await().atMost(Duration.ofSeconds(20)).until(() -> call.call("GET", "lwm2m:endpoint:" + endpoint) != null);
                String id = call.call("GET", "lwm2m:endpoint:" + endpoint).toString();
                assertThat(call.call("HGET", "lwm2m:reg:" + id, "owner").toString()).isEqualTo("gw-state-redis");
                assertThat(call.call("PTTL", "lwm2m:reg:" + id).toLong()).as("10 min lifetime + 5 min grace")
                        .isBetween(Duration.ofMinutes(14).toMillis(), Duration.ofMinutes(15).toMillis());
                assertThat(call.call("SISMEMBER", "lwm2m:regs:gw-state-redis", id).toInteger()).isOne();
                assertThat(health(http)).contains("Redis connection health check");
                before.process().destroy();
                assertThat(before.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            try (PackagedGatewayProcess after = PackagedGatewayProcess.start(Map.of(), config); device) {
                await().atMost(WAIT).ignoreExceptions().until(() -> status(http, "/q/health/ready") == 200);
                assertThat(after.output()).contains("restored 1 registrations");
            }
        }
    }
}
