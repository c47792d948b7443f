package io.lwm2mgw.bench;

import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import io.lwm2mgw.sim.FleetStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S7, three replicas against one (issue 14): the same registration storm and notification load on one gateway on
 * the embedded backend, one on redis and three on redis, every device reaching them through nginx's UDP balancer;
 * then, on the three, the latency a command gains when the replica that took it from MQTT (shared subscription)
 * is not the device's owner ({@link ReplicaCommandLatency}) and DTLS throughput when every record reaches the wrong
 * replica ({@link ReplicaDtlsForwarding}). The registrations each carry one auto-observation (a rule on
 * /3303/0/5700), so the notifications need no commands. Every process shares the machine's cores: what three
 * replicas show here is the cost per message and of routing, not a scale-out.
 */
final class ReplicaScaleOut {

    /** What one configuration measured: its storm and its notification step. */
    private record Load(double registrationsPerSecond, double cpuMsPerRegistration, double notificationsPerSecond,
            double cpuMsPerNotification) {
    }

    private ReplicaScaleOut() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s7-devices", 1500);
        int warmup = ctx.intOption("s7-warmup", 1000);
        if (!io.lwm2mgw.it.NginxUdpBalancer.available()) {
            throw new IllegalStateException("S7 needs nginx and its stream module: apt-get install -y nginx "
                    + "libnginx-mod-stream redis-server");
        }
        if (devices > 1900) {
            // NginxUdpBalancer's worker_connections 4096: two per UDP session, and a session lasts the hour
            throw new IllegalArgumentException("--s7-devices must stay under 1900 (nginx sessions)");
        }
        Path credentials = ctx.logDir().resolve("s7-credentials.json");
        Files.writeString(credentials, ReplicaDtlsForwarding.credentials(ctx.intOption("s7-dtls-clients", 8)));
        Map<String, String> observed = Map.of("gateway.observe.rules[0].path", "/3303/0/5700");
        List<String> sets = List.of(ctx.option("s7-sets", "embedded,redis1,redis3").split(","));
        Load embedded = null;
        Load redisOne = null;
        Load redisThree = null;
        if (sets.contains("embedded")) {
            try (ReplicaSet one = ReplicaSet.start(ctx, "s7-embedded", 1, "embedded", credentials, observed)) {
                embedded = load(ctx, bench, one, "1 replica, embedded", "s7e-", devices, warmup, null);
            }
        }
        if (sets.contains("redis1")) {
            try (ReplicaSet one = ReplicaSet.start(ctx, "s7-redis1", 1, "redis", credentials, observed)) {
                redisOne = load(ctx, bench, one, "1 replica, redis", "s7r1-", devices, warmup, null);
            }
        }
        if (sets.contains("redis3")) {
            try (ReplicaSet three = ReplicaSet.start(ctx, "s7-redis3", 3, "redis", credentials, observed)) {
                redisThree = load(ctx, bench, three, "3 replicas, redis", "s7r3-", devices, warmup, fleet -> {
                    ReplicaCommandLatency.run(ctx, bench, three, fleet);
                    ReplicaDtlsForwarding.run(ctx, bench, three);
                });
            }
        }
        if (embedded != null && redisOne != null) {
            ratio(bench, "registrations/s, redis / embedded (1 replica each)", redisOne.registrationsPerSecond(),
                    embedded.registrationsPerSecond());
            ratio(bench, "gateway CPU per registration, redis / embedded", redisOne.cpuMsPerRegistration(),
                    embedded.cpuMsPerRegistration());
        }
        if (redisOne != null && redisThree != null) {
            ratio(bench, "registrations/s, 3 replicas / 1 (redis)", redisThree.registrationsPerSecond(),
                    redisOne.registrationsPerSecond());
            ratio(bench, "gateway CPU per registration, 3 replicas / 1 (redis)", redisThree.cpuMsPerRegistration(),
                    redisOne.cpuMsPerRegistration());
            ratio(bench, "notifications/s delivered, 3 replicas / 1 (redis)", redisThree.notificationsPerSecond(),
                    redisOne.notificationsPerSecond());
            ratio(bench, "gateway CPU per notification, 3 replicas / 1 (redis)", redisThree.cpuMsPerNotification(),
                    redisOne.cpuMsPerNotification());
        }
    }

    interface WithFleet {
        void accept(Fleet fleet) throws Exception;
    }

    private static void ratio(BenchMain bench, String name, double a, double b) {
        bench.figure("S7", name, a / b, "x", null, null);
    }

    /** The storm, then the notification step, then {@code more} with the registered fleet. */
    private static Load load(BenchMain.Context ctx, BenchMain bench, ReplicaSet set, String label, String prefix,
            int devices, int warmup, WithFleet more) throws Exception {
        int window = ctx.intOption("s7-window", 256);
        // each replica meets the storm with compiled code, as a running cluster would after a power cut; the warm-up
        // goes to each replica's own port, since every device through nginx holds one of its sessions for the hour
        for (int r = 0; r < set.replicas.size() && warmup > 0; r++) {
            try (Fleet fleet = Fleet.start(new FleetConfig().devices(warmup).prefix(prefix + "w" + r + "-").threads(2)
                    .registerWindow(window).server("127.0.0.1", set.replicas.get(r).coapPort))) {
                fleet.awaitRegistered(Duration.ofSeconds(120));
                fleet.deregisterAll(Duration.ofSeconds(60));
            }
        }
        AtomicLong delivered = new AtomicLong();
        AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        long[] latencies = new long[2_000_000];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE); // epoch µs; the tap thread reads it
        try (NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(), List.of(set.root + "/+/data/#"),
                List.of(), (source, topic, key, payload) -> {
                    lastArrival.set(System.nanoTime());
                    double sent = NorthboundTap.number(payload, "/3303/0/5700");
                    if (sent >= measuredFrom.get()) {
                        delivered.incrementAndGet();
                        int i = recorded.getAndIncrement();
                        if (i < latencies.length) {
                            latencies[i] = (long) (FleetStats.epochMicros() - sent);
                        }
                    }
                })) {
            double cpu0 = set.gatewaysCpuSeconds();
            double helpers0 = ReplicaSet.helpersCpuSeconds();
            try (Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix(prefix).threads(2)
                    .registerWindow(window).server("127.0.0.1", set.coapPort()).timestampValues(true))) {
                boolean all = fleet.awaitRegistered(Duration.ofSeconds(ctx.intOption("s7-timeout", 180)));
                FleetStats stats = fleet.stats();
                long[] lat = stats.registrationLatencies();
                double rate = lat.length / ((stats.lastRegistered.get() - stats.firstRegisterSent.get()) / 1e9);
                boolean observed = BenchMain.waitFor(() -> fleet.stats().observationsActive.sum() >= devices, 60_000);
                double cpuPerRegistration = (set.gatewaysCpuSeconds() - cpu0) * 1000 / devices;
                double helpersPerRegistration = (ReplicaSet.helpersCpuSeconds() - helpers0) * 1000 / devices;
                String at = " (" + label + ")";
                bench.figure("S7", "registrations/s" + at, rate, "reg/s", null, null);
                bench.figure("S7", "registration p50 / p99" + at + ", p50", BenchMain.percentileMs(lat, 0.5), "ms",
                        null, null);
                bench.figure("S7", "registration p50 / p99" + at + ", p99", BenchMain.percentileMs(lat, 0.99), "ms",
                        null, null);
                bench.figure("S7", "gateway CPU per registration incl. observe" + at, cpuPerRegistration, "ms",
                        null, null);
                bench.figure("S7", "redis + nginx CPU per registration" + at, helpersPerRegistration, "ms", null,
                        null);
                bench.detail("S7", label + " storm", Map.of("devices", devices, "warmupPerReplica", warmup, "window", window,
                        "allRegistered", all, "failed", stats.registrationsFailed.sum(), "retransmissions",
                        stats.retransmissions.sum(), "observed", observed,
                        "perReplica", registrationsPerReplica(set)));

                int notifyRate = ctx.intOption("s7-rate", 5000);
                int seconds = ctx.intOption("s7-seconds", 10);
                fleet.setNotifyRate(notifyRate / 2.0);
                Thread.sleep(ctx.intOption("s7-warmup-seconds", 3) * 1000L); // a tool's pacing, not a test's wait
                fleet.setNotifyRate(0);
                BenchMain.waitFor(() -> System.nanoTime() - lastArrival.get() > 1_000_000_000L, 60_000);
                measuredFrom.set(FleetStats.epochMicros());
                long[] udp0 = BenchMain.udpErrors();
                long sent0 = fleet.stats().notificationsSent.sum();
                double gw0 = set.gatewaysCpuSeconds();
                long t0 = System.nanoTime();
                fleet.setNotifyRate(notifyRate);
                Thread.sleep(seconds * 1000L);
                fleet.setNotifyRate(0);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long whileSending = delivered.get();
                BenchMain.waitFor(() -> System.nanoTime() - lastArrival.get() > 2_000_000_000L, 120_000);
                long sent = fleet.stats().notificationsSent.sum() - sent0;
                long[] udp = BenchMain.udpErrors();
                double cpuPerNotification = (set.gatewaysCpuSeconds() - gw0) * 1000 / Math.max(1, delivered.get());
                long[] sorted = Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length));
                Arrays.sort(sorted);
                String step = " @" + notifyRate + "/s" + at;
                bench.figure("S7", "notifications sent by the simulator" + step, sent / elapsed, "notif/s", null,
                        null);
                bench.figure("S7", "MQTT deliveries per second while sending" + step, whileSending / elapsed,
                        "notif/s", null, null);
                bench.figure("S7", "delivered to MQTT QoS 1" + step, 100.0 * delivered.get() / Math.max(1, sent),
                        "%", null, null);
                bench.figure("S7", "added latency MQTT p50" + step, BenchMain.percentileMs(sorted, 0.5), "ms", null,
                        null);
                bench.figure("S7", "added latency MQTT p99" + step, BenchMain.percentileMs(sorted, 0.99), "ms", null,
                        null);
                bench.figure("S7", "gateway CPU per notification" + step, cpuPerNotification, "ms", null, null);
                bench.figure("S7", "kernel UDP receive errors (system wide)" + step, udp[0] - udp0[0], "datagrams",
                        null, null);
                bench.detail("S7", label + " notifications", Map.of("sent", sent, "delivered", delivered.get(),
                        "seconds", elapsed, "udpRcvbufErrors", udp[1] - udp0[1]));
                if (more != null) {
                    more.accept(fleet);
                }
                return new Load(rate, cpuPerRegistration, whileSending / elapsed, cpuPerNotification);
            }
        }
    }

    /** How the balancer spread the registrations: each replica's count, its warm-up fleet included. */
    private static List<Double> registrationsPerReplica(ReplicaSet set) {
        return set.replicas.stream().map(g -> g.metricSum("lwm2m_registrations_total")).toList();
    }
}
