package io.lwm2mgw.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scenario K1 of {@code scripts/bench}: runs {@link KafkaOutboundBenchmark} (a Quarkus test application, since the
 * connector lives only in one) through Maven against the script's Kafka and mosquitto, then publishes the mean
 * of its repeats per path and rate, and the gateway sink's delivered rate as a share of the bare connector's.
 */
final class KafkaOutbound {

    private KafkaOutbound() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        Path repo = ctx.app().getParent().getParent();
        Path out = ctx.logDir().resolve("k1.json");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("mvnw").toString(), "-B", "-ntp", "-q", "test",
                "-Pbench", "-Dtest=KafkaOutboundBenchmark", "-Dsurefire.failIfNoSpecifiedTests=false",
                "-Dbench.k1.kafka=" + ctx.kafkaBootstrap(), "-Dbench.k1.mqtt-port=" + ctx.mqttPort(),
                "-Dbench.k1.out=" + out));
        String[] brokers = ctx.option("broker-pids", "").split(",");
        if (brokers.length > 1) {
            cmd.add("-Dbench.k1.broker-pid=" + brokers[1].trim());
        }
        for (String key : List.of("rates", "seconds", "warmup-seconds", "repeats", "partitions", "variants")) {
            String value = ctx.option("k1-" + key, null);
            if (value != null) {
                cmd.add("-Dbench.k1." + key + "=" + value);
            }
        }
        // the test JVM's flags (the bench profile leaves them empty), e.g. a flight recording
        String jvm = ctx.option("k1-jvm-flags", null);
        if (jvm != null) {
            cmd.add("-Dtest.jvm=" + jvm);
        }
        Path log = ctx.logDir().resolve("k1.log");
        Process maven = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int exit = maven.waitFor();
        if (exit != 0 || !Files.exists(out)) {
            throw new IllegalStateException("K1 failed (exit " + exit + "), see " + log);
        }
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        bench.detail("K1", "loadBefore", doc.path("loadBefore").asText());
        bench.detail("K1", "loadAfter", doc.path("loadAfter").asText());
        bench.detail("K1", "idleCpuPerSecond", doc.path("idleCpuPerSecond").asDouble());
        bench.detail("K1", "partitions", doc.path("partitions").asInt());
        Map<String, List<JsonNode>> byPathAndRate = new LinkedHashMap<>();
        List<Object> runs = new ArrayList<>();
        for (JsonNode run : doc.path("runs")) {
            byPathAndRate.computeIfAbsent(run.path("variant").asText() + "@" + run.path("rate").asInt(),
                    k -> new ArrayList<>()).add(run);
            runs.add(new ObjectMapper().convertValue(run, Map.class));
        }
        bench.detail("K1", "runs", runs);
        for (var e : byPathAndRate.entrySet()) {
            String at = " (" + e.getKey().replace("@", " @") + "/s, mean of " + e.getValue().size() + ")";
            bench.figure("K1", "delivered per second while sending" + at, mean(e.getValue(),
                    "deliveredPerSecondWhileSending"), "rec/s", null, null);
            bench.figure("K1", "added latency p50" + at, mean(e.getValue(), "p50Millis"), "ms", null, null);
            bench.figure("K1", "added latency p99" + at, mean(e.getValue(), "p99Millis"), "ms", null, null);
            bench.figure("K1", "CPU per 100k records, gateway JVM" + at, mean(e.getValue(), "cpuSecondsPer100k"),
                    "s", null, null);
            bench.figure("K1", "delivered after the drain" + at, mean(e.getValue(), "deliveredPercent"), "%", null,
                    null);
        }
        for (String rate : ctx.option("k1-rates", "5000,10000,20000").split(",")) {
            List<JsonNode> sink = byPathAndRate.get("sink@" + rate.trim());
            List<JsonNode> connector = byPathAndRate.get("connector@" + rate.trim());
            if (sink != null && connector != null) {
                double share = 100 * mean(sink, "deliveredPerSecondWhileSending")
                        / mean(connector, "deliveredPerSecondWhileSending");
                bench.figure("K1", String.format(Locale.ROOT, "sink / bare connector, delivered while sending @%s/s",
                        rate.trim()), share, "%", ">= 90 %", share >= 90);
            }
        }
    }

    private static double mean(List<JsonNode> runs, String field) {
        return runs.stream().mapToDouble(r -> r.path(field).asDouble()).average().orElse(Double.NaN);
    }
}
