package io.lwm2mgw.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.event.ResourceNotified;
import io.lwm2mgw.northbound.EventCodec;
import io.lwm2mgw.northbound.OutboundMessage;
import io.lwm2mgw.northbound.kafka.KafkaRecords;
import io.lwm2mgw.northbound.kafka.KafkaSink;
import io.lwm2mgw.sim.FleetStats;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Bench K1 (issue 12): what does the gateway's Kafka outbound path cost over SmallRye Reactive Messaging's Kafka
 * connector on its own? (Until 2026-12-05 variant (a) was the sink's raw producer; the figures that moved the
 * sink onto the connector are in docs/benchmarks.md.) The gateway's own notification records ({@link EventCodec}
 * and {@link KafkaRecords#record}: key, CloudEvents headers, JSON value) go to a real single-node Kafka at each rate
 * through (a) the gateway's real {@link KafkaSink} (its buffer and sender thread, over its connector channel) and
 * (b) {@link ConnectorOutbound} (a bare emitter on a second channel, configured with
 * {@link KafkaSink#producerProperties}), alternately, in this one Quarkus application: the same JVM, JIT and
 * gateway around both, so the difference is the path. A consumer in this JVM
 * stamps receipt. Per phase: a warm-up, then the measured window, then the drain. Figures go to
 * {@code bench.k1.out}. Run by {@code scripts/bench --scenarios K1}, which starts the broker.
 */
@Tag("benchmark")
@QuarkusTest
@TestProfile(KafkaOutboundBenchmark.Profile.class)
@EnabledIfSystemProperty(named = "bench.k1.kafka", matches = ".+")
class KafkaOutboundBenchmark {

    private static final Lwm2mPath PATH = Lwm2mPath.parse("/3303/0/5700");
    private static final int DEVICES = Integer.getInteger("bench.k1.devices", 1000);

    /** The gateway with Kafka on (its telemetry topic fresh) and the connector's channel beside it. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("lwm2mgw.bench.k1", "true");
            config.put("kafka.bootstrap.servers", kafka());
            config.put("gateway.kafka.telemetry-topic", topic());
            String mqtt = System.getProperty("bench.k1.mqtt-port", "");
            if (!mqtt.isBlank()) {
                config.put("gateway.mqtt.host", "127.0.0.1");
                config.put("gateway.mqtt.port", mqtt);
            }
            config.put("quarkus.log.category.\"io.lwm2mgw\".level", "INFO");
            String channel = "mp.messaging.outgoing." + ConnectorOutbound.CHANNEL + ".";
            config.put(channel + "connector", "smallrye-kafka");
            config.put(channel + "topic", topic());
            KafkaSink.producerProperties(Map.of(), kafka())
                    .forEach((k, v) -> config.put(channel + k, String.valueOf(v)));
            config.put(channel + "client.id", "lwm2m-gateway-k1");
            return config;
        }
    }

    static String kafka() {
        return System.getProperty("bench.k1.kafka");
    }

    /** A topic of this JVM's own (profile and test live in different class loaders: share it as a property). */
    static synchronized String topic() {
        String topic = System.getProperty("bench.k1.topic");
        if (topic == null) {
            topic = "k1.telemetry." + System.currentTimeMillis();
            System.setProperty("bench.k1.topic", topic);
        }
        return topic;
    }

    /** One outbound path: takes a message, answers when Kafka acknowledged it. */
    record Variant(String name, Function<OutboundMessage, CompletionStage<Void>> send) { }

    @Inject
    KafkaSink sink;

    @Inject
    ConnectorOutbound connector;

    @Inject
    ObjectMapper mapper;

    private final EventCodec codec = EventCodec.withRandomIds(new ObjectMapper(), "gw-k1", Clock.systemUTC());
    private final EndpointName[] endpoints = new EndpointName[DEVICES];

    @Test
    void sink_and_bare_connector_at_the_notification_rates() throws Exception {
        List<Integer> rates = Arrays.stream(System.getProperty("bench.k1.rates", "5000,10000,20000").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        int seconds = Integer.getInteger("bench.k1.seconds", 10);
        int warmup = Integer.getInteger("bench.k1.warmup-seconds", 5);
        int repeats = Integer.getInteger("bench.k1.repeats", 2);
        List<String> names = List.of(System.getProperty("bench.k1.variants", "sink,connector").split(","));
        long brokerPid = Long.getLong("bench.k1.broker-pid", -1);
        for (int i = 0; i < DEVICES; i++) {
            endpoints[i] = EndpointName.of(String.format(Locale.ROOT, "k1-%05d", i));
        }
        Map<String, Variant> all = Map.of(
                "sink", new Variant("sink", sink::offer),
                "connector", new Variant("connector", m -> connector.offer(m, topic())));
        List<Variant> variants = names.stream().map(String::trim).map(all::get).toList();
        await().atMost(Duration.ofSeconds(60)).until(sink::connected);

        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        List<Map<String, Object>> runs = new ArrayList<>();
        try (K1Consumer consumer = new K1Consumer(kafka(), topic())) {
            double idleCpu = idleCpuPerSecond(consumer);
            System.out.printf(Locale.ROOT, "K1 idle CPU (process minus consumer) %.3f s/s, load %s%n", idleCpu,
                    loadBefore);
            // JIT warm-up of both paths, not measured
            for (Variant v : variants) {
                phase(v, rates.get(0), warmup * 2, 0, consumer, brokerPid);
            }
            for (int rep = 1; rep <= repeats; rep++) {
                for (int rate : rates) {
                    List<Variant> order = new ArrayList<>(variants);
                    if (rep % 2 == 0) {
                        java.util.Collections.reverse(order);
                    }
                    for (Variant v : order) {
                        Map<String, Object> run = phase(v, rate, warmup, seconds, consumer, brokerPid);
                        run.put("repeat", rep);
                        runs.add(run);
                        System.out.println("K1 " + run);
                    }
                }
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("time", Instant.now().toString());
            doc.put("loadBefore", loadBefore);
            doc.put("loadAfter", Files.readString(Path.of("/proc/loadavg")).trim());
            doc.put("idleCpuPerSecond", idleCpu);
            doc.put("topic", topic());
            doc.put("partitions", consumer.partitions());
            doc.put("devices", DEVICES);
            doc.put("runs", runs);
            Path out = Path.of(System.getProperty("bench.k1.out", "target/bench/k1.json")).toAbsolutePath();
            Files.createDirectories(out.getParent());
            mapper.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
            System.out.println("K1 written " + out);
        }
    }

    /** CPU of everything but the consumer while nothing is sent: the gateway idling beside the bench. */
    private static double idleCpuPerSecond(K1Consumer consumer) {
        long cpu = K1Consumer.processCpuNanos() - consumer.cpuNanos();
        long start = System.nanoTime();
        LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
        return (K1Consumer.processCpuNanos() - consumer.cpuNanos() - cpu) / (double) (System.nanoTime() - start);
    }

    /**
     * Sends at {@code rate} for {@code warmup + seconds}, measuring the last {@code seconds}, then waits up to a
     * minute for every record's acknowledgement and receipt.
     */
    private Map<String, Object> phase(Variant variant, int rate, int warmup, int seconds, K1Consumer consumer,
            long brokerPid) throws IOException {
        long phaseStartMicros = FleetStats.epochMicros();
        long measureFromMicros = phaseStartMicros + warmup * 1_000_000L;
        long measureToMicros = measureFromMicros + seconds * 1_000_000L;
        K1Consumer.Window window = consumer.open(phaseStartMicros, measureFromMicros, measureToMicros,
                (int) Math.min(Integer.MAX_VALUE - 8, rate * (long) seconds * 2 + 1024));
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long refused = 0;
        long dropsBefore = sink.droppedCount();
        long sent = 0;
        long sentMeasured = 0;
        long cpuFrom = 0;
        long brokerFrom = 0;
        long receivedFrom = 0;
        long measureNanos = 0;
        boolean measuring = false;
        long start = System.nanoTime();
        long measureStart = start + warmup * 1_000_000_000L;
        long end = measureStart + seconds * 1_000_000_000L;
        for (long now = start; now < end; now = System.nanoTime()) {
            if (!measuring && now >= measureStart && seconds > 0) {
                measuring = true;
                cpuFrom = K1Consumer.processCpuNanos() - consumer.cpuNanos();
                brokerFrom = K1Consumer.cpuNanosOf(brokerPid);
                receivedFrom = window.received();
                sentMeasured = sent;
                measureNanos = now;
            }
            long due = (now - start) * rate / 1_000_000_000L;
            if (sent >= due) {
                LockSupport.parkNanos(100_000);
                continue;
            }
            while (sent < due) {
                long micros = FleetStats.epochMicros();
                ResourceNotified event = ResourceNotified.of(Instant.now(), endpoints[(int) (sent % DEVICES)], PATH,
                        "k1", Map.of(PATH, new ResourceValue.FloatValue(micros)));
                sent++;
                try {
                    variant.send().apply(codec.encode(event).get(0)).whenComplete((ok, error) -> {
                        (error == null ? acked : failed).incrementAndGet();
                    });
                } catch (RuntimeException e) {
                    refused++; // the connector's buffer is full: the emitter throws
                }
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("variant", variant.name());
        run.put("rate", rate);
        if (seconds == 0) {
            window.close();
            awaitDrain(acked, failed, sent - refused, window, dropsBefore);
            return run;
        }
        long cpu = K1Consumer.processCpuNanos() - consumer.cpuNanos() - cpuFrom;
        long broker = K1Consumer.cpuNanosOf(brokerPid) - brokerFrom;
        double elapsed = (System.nanoTime() - measureNanos) / 1e9;
        long measuredSent = sent - sentMeasured;
        long receivedWhileSending = window.received() - receivedFrom;
        long drainStart = System.nanoTime();
        boolean drained = awaitDrain(acked, failed, sent - refused, window, dropsBefore);
        long[] latency = window.latencies();
        run.put("sent", sent);
        run.put("sentPerSecond", measuredSent / elapsed);
        run.put("deliveredPerSecondWhileSending", receivedWhileSending / elapsed);
        run.put("delivered", window.received());
        run.put("deliveredPercent", 100.0 * window.received() / sent);
        run.put("acked", acked.get());
        run.put("nacked", failed.get());
        run.put("refusedByEmitter", refused);
        run.put("droppedBySink", sink.droppedCount() - dropsBefore);
        run.put("drainSeconds", (System.nanoTime() - drainStart) / 1e9);
        run.put("drained", drained);
        run.put("latencySamples", latency.length);
        run.put("p50Millis", FleetStats.percentile(latency, 0.50) / 1000.0);
        run.put("p99Millis", FleetStats.percentile(latency, 0.99) / 1000.0);
        run.put("maxMillis", latency.length == 0 ? 0 : latency[latency.length - 1] / 1000.0);
        run.put("cpuSecondsPer100k", cpu / 1e9 / measuredSent * 100_000);
        if (brokerPid > 0) {
            run.put("brokerCpuSecondsPer100k", broker / 1e9 / measuredSent * 100_000);
        }
        run.put("load", Files.readString(Path.of("/proc/loadavg")).trim());
        window.close();
        return run;
    }

    /** Until every accepted record is answered and received (telemetry the sink dropped excepted). */
    private boolean awaitDrain(AtomicLong acked, AtomicLong failed, long accepted, K1Consumer.Window window,
            long dropsBefore) {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                long dropped = sink.droppedCount() - dropsBefore;
                // a telemetry message the sink's full buffer drops is confirmed (answered), never received
                return acked.get() + failed.get() >= accepted
                        && window.received() >= accepted - failed.get() - dropped;
            });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
