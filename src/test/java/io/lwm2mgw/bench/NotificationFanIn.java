package io.lwm2mgw.bench;

import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S2, notification fan-in: 1k devices each observed on /3303/0/5700 (an auto-observe rule) notify at 5k,
 * 10k and 20k notifications/s for a while; every notification carries its send time, so the MQTT (QoS 1)
 * and Kafka consumers measure delivered ratio and added latency. Kernel UDP drops are read from
 * /proc/net/snmp before and after each step (system wide: they include the simulator's sockets).
 */
final class NotificationFanIn {

    /** Latencies in microseconds of one step, per broker; appended by the tap threads. */
    private static final class Step {
        volatile double startMicros = Double.MAX_VALUE;
        final AtomicLong mqtt = new AtomicLong();
        final AtomicLong kafka = new AtomicLong();
        final long[] mqttLatency = new long[4_000_000];
        final long[] kafkaLatency = new long[4_000_000];

        void on(String source, byte[] payload) {
            double sent = NorthboundTap.number(payload, "/3303/0/5700");
            if (!(sent >= startMicros)) {
                return;
            }
            long micros = (long) (io.lwm2mgw.sim.FleetStats.epochMicros() - sent);
            if (source.equals("mqtt")) {
                long i = mqtt.getAndIncrement();
                if (i < mqttLatency.length) {
                    mqttLatency[(int) i] = micros;
                }
            } else {
                long i = kafka.getAndIncrement();
                if (i < kafkaLatency.length) {
                    kafkaLatency[(int) i] = micros;
                }
            }
        }
    }

    private NotificationFanIn() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s2-devices", 1000);
        int seconds = ctx.intOption("s2-seconds", 10);
        boolean con = Boolean.parseBoolean(ctx.option("s2-confirmable", "false"));
        String prefix = "s2-";
        Step[] current = {new Step()};
        AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        try (GatewayProcess gw = ctx.gateway("s2", Map.of("gateway.observe.rules[0].path", "/3303/0/5700"));
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(), List.of("lwm2m/+/data/#"),
                     List.of("lwm2m.telemetry"), (source, topic, key, payload) -> {
                         lastArrival.set(System.nanoTime());
                         current[0].on(source, payload);
                     });
             Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix(prefix).threads(2)
                     .server("127.0.0.1", gw.coapPort).timestampValues(true).confirmable(con))) {
            fleet.awaitRegistered(Duration.ofSeconds(60));
            BenchMain.waitFor(() -> fleet.stats().observationsActive.sum() >= devices, 60_000);
            bench.detail("S2", "observations", fleet.stats().observationsActive.sum());
            bench.detail("S2", "notificationType", con ? "CON" : "NON");
            String[] rates = ctx.option("s2-rates", "5000,10000,20000").split(",");
            // a fresh JVM compiles the notification path during its first seconds: warm it up unmeasured
            int warmup = ctx.intOption("s2-warmup-seconds", 10);
            fleet.setNotifyRate(Math.min(2000, Integer.parseInt(rates[0].trim())));
            Thread.sleep(warmup * 1000L);
            fleet.setNotifyRate(0);
            quiet(lastArrival, 2000);
            bench.detail("S2", "warmupSeconds", warmup);
            for (String r : rates) {
                int rate = Integer.parseInt(r.trim());
                Step step = new Step();
                step.startMicros = io.lwm2mgw.sim.FleetStats.epochMicros();
                current[0] = step;
                long[] udpBefore = BenchMain.udpErrors();
                long sent0 = fleet.stats().notificationsSent.sum();
                long t0 = System.nanoTime();
                fleet.setNotifyRate(rate);
                Thread.sleep(seconds * 1000L);
                fleet.setNotifyRate(0);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long mqttWhileSending = step.mqtt.get();
                long kafkaWhileSending = step.kafka.get();
                // the fleet threads take the new rate on their next turn: count what they sent until then
                long sent = settled(() -> fleet.stats().notificationsSent.sum()) - sent0;
                drain(step, sent, lastArrival);
                long[] udpAfter = BenchMain.udpErrors();
                double sentRate = sent / elapsed;
                double mqttRatio = (double) step.mqtt.get() / sent;
                double kafkaRatio = (double) step.kafka.get() / sent;
                long[] mq = sorted(step.mqttLatency, step.mqtt.get());
                long[] kf = sorted(step.kafkaLatency, step.kafka.get());
                String at = " @" + rate + "/s";
                bench.figure("S2", "sent by the simulator" + at, sentRate, "notif/s", null, null);
                bench.figure("S2", "delivered to MQTT QoS 1" + at, mqttRatio * 100, "%", ">= 99.99 %",
                        rate >= 15000 ? mqttRatio >= 0.9999 : null);
                bench.figure("S2", "delivered to Kafka" + at, kafkaRatio * 100, "%", ">= 99.99 %",
                        rate >= 15000 ? kafkaRatio >= 0.9999 : null);
                // what reached the applications while the devices were sending: the sustained throughput, met
                // at 15,000/s with a 0.1 % tolerance (the simulator's own pacing ends at 14,999/s)
                bench.figure("S2", "MQTT deliveries per second while sending" + at, mqttWhileSending / elapsed,
                        "notif/s", ">= 15000", rate >= 15000 ? mqttWhileSending / elapsed >= 14985 : null);
                bench.figure("S2", "Kafka deliveries per second while sending" + at, kafkaWhileSending / elapsed,
                        "notif/s", ">= 15000", rate >= 15000 ? kafkaWhileSending / elapsed >= 14985 : null);
                bench.figure("S2", "added latency MQTT p50" + at, BenchMain.percentileMs(mq, 0.5), "ms", null, null);
                double mq99 = BenchMain.percentileMs(mq, 0.99);
                bench.figure("S2", "added latency MQTT p99" + at, mq99, "ms", "< 20 ms", rate >= 15000 ? mq99 < 20 : null);
                bench.figure("S2", "added latency Kafka p50" + at, BenchMain.percentileMs(kf, 0.5), "ms", null, null);
                double kf99 = BenchMain.percentileMs(kf, 0.99);
                bench.figure("S2", "added latency Kafka p99" + at, kf99, "ms", "< 20 ms", rate >= 15000 ? kf99 < 20 : null);
                bench.figure("S2", "kernel UDP receive errors" + at, udpAfter[0] - udpBefore[0], "datagrams", null, null);
                bench.detail("S2", "rate" + rate, Map.of("sent", sent, "seconds", elapsed, "mqtt", step.mqtt.get(),
                        "kafka", step.kafka.get(), "udpInErrors", udpAfter[0] - udpBefore[0],
                        "udpRcvbufErrors", udpAfter[1] - udpBefore[1],
                        "simulatorSendFailures", fleet.stats().sendFailures.sum()));
            }
        }
    }

    /**
     * Waits until both brokers delivered {@code sent}, or nothing at all arrived for 5 s (a backlog still
     * draining counts as progress), 180 s at most; then until the pipeline is quiet for the next step.
     */
    private static void drain(Step step, long sent, AtomicLong lastArrival) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (step.mqtt.get() >= sent && step.kafka.get() >= sent) {
                break;
            }
            if (System.nanoTime() - lastArrival.get() > 5_000_000_000L) {
                break;
            }
            Thread.sleep(50);
        }
        quiet(lastArrival, 1000);
    }

    /** The value of {@code counter} once it stopped changing for 100 ms. */
    private static long settled(java.util.function.LongSupplier counter) throws InterruptedException {
        long last = counter.getAsLong();
        while (true) {
            Thread.sleep(100);
            long now = counter.getAsLong();
            if (now == last) {
                return now;
            }
            last = now;
        }
    }

    /** Waits until no message arrived for {@code millis} (120 s at most). */
    private static void quiet(AtomicLong lastArrival, long millis) throws InterruptedException {
        BenchMain.waitFor(() -> System.nanoTime() - lastArrival.get() > millis * 1_000_000L, 120_000);
    }

    private static long[] sorted(long[] values, long count) {
        long[] copy = Arrays.copyOf(values, (int) Math.min(count, values.length));
        Arrays.sort(copy);
        return copy;
    }
}
