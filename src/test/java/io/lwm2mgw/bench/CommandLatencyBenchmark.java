package io.lwm2mgw.bench;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.lwm2mgw.it.BrokersResource;
import io.lwm2mgw.it.TestBrokers;
import io.lwm2mgw.it.TestDevice;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Command round trip, one command in flight: an application publishes a read on MQTT, the gateway reads a
 * real Leshan device over loopback UDP, the result comes back on MQTT. Prints p50/p99 and writes
 * target/benchmarks/command-latency.json. Run with {@code ./mvnw -B -ntp test -Pbench}; not part of the
 * normal test run.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(BrokersResource.class)
class CommandLatencyBenchmark {

    private static final int WARMUP = Integer.getInteger("bench.warmup", 500);
    private static final int MEASURED = Integer.getInteger("bench.commands", 3000);

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void command_round_trip_with_one_in_flight() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        Mqtt5AsyncClient app = MqttClient.builder().useMqttVersion5().identifier("bench-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildAsync();
        app.connect().get(10, TimeUnit.SECONDS);
        try (TestDevice device = givenDevice("bench-1").withLight().registeredAt(lwm2m.boundPort().orElseThrow())) {
            app.subscribeWith().topicFilter("lwm2m/bench-1/results/#").qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> {
                        try {
                            JsonNode result = json.readTree(p.getPayloadAsBytes());
                            CompletableFuture<JsonNode> f = waiting.remove(result.path("id").asText());
                            if (f != null) {
                                f.complete(result);
                            }
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).send().get(10, TimeUnit.SECONDS);
            long[] nanos = new long[MEASURED];
            for (int i = 0; i < WARMUP + MEASURED; i++) {
                String id = "b-" + i;
                CompletableFuture<JsonNode> result = new CompletableFuture<>();
                waiting.put(id, result);
                long start = System.nanoTime();
                app.publishWith().topic("lwm2m/bench-1/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"id\":\"" + id + "\",\"path\":\"/3311/0/5851\"}").getBytes(StandardCharsets.UTF_8))
                        .send();
                JsonNode r = result.get(10, TimeUnit.SECONDS);
                long took = System.nanoTime() - start;
                assertThat(r.get("status").asText()).isEqualTo("success");
                if (i >= WARMUP) {
                    nanos[i - WARMUP] = took;
                }
            }
            report(nanos);
        } finally {
            app.disconnect();
        }
    }

    private static void report(long[] nanos) throws Exception {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double p50 = percentile(sorted, 0.50);
        double p90 = percentile(sorted, 0.90);
        double p99 = percentile(sorted, 0.99);
        double max = sorted[sorted.length - 1] / 1e6;
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        double seconds = Arrays.stream(sorted).sum() / 1e9;
        String table = String.format(Locale.ROOT, "%n== command round trip, MQTT -> gateway -> device -> MQTT, 1 in flight ==%n"
                + "commands %d (after %d warm-up), %.0f commands/s%n"
                + "p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   max %.2f ms   mean %.2f ms%n",
                sorted.length, WARMUP, sorted.length / seconds, p50, p90, p99, max, mean);
        System.out.println(table);
        Path out = Path.of("target", "benchmarks");
        Files.createDirectories(out);
        Files.writeString(out.resolve("command-latency.json"), String.format(Locale.ROOT,
                "{\"scenario\":\"command-round-trip\",\"inFlight\":1,\"commands\":%d,\"p50Ms\":%.3f,\"p90Ms\":%.3f,"
                        + "\"p99Ms\":%.3f,\"maxMs\":%.3f,\"meanMs\":%.3f,\"java\":\"%s\",\"cores\":%d}%n",
                sorted.length, p50, p90, p99, max, mean, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors()));
    }

    private static double percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
