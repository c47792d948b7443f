package io.lwm2mgw.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.lwm2mgw.sim.Fleet;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S7's routing cost: an MQTT 5 application reads /3303/0/5700 from 31 devices spread over the three replicas
 * in turn, one command in flight, and times each until its result arrives on MQTT. The broker gives each command to one replica
 * of the shared subscription; the replicas log (DEBUG, {@code RedisReplicaHandover}) each command they handed to the
 * owner through Redis, so afterwards every command is either taken by its device's owner or routed, and the routed
 * ones' percentiles less the owner-taken ones' are the added latency (target: under 1 ms at the median).
 */
final class ReplicaCommandLatency {

    private static final Pattern HANDED = Pattern.compile("command (\\S+) for \\S+ handed to replica ");

    private ReplicaCommandLatency() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench, ReplicaSet set, Fleet fleet) throws Exception {
        int total = ctx.intOption("s7-commands", 1500);
        int warmup = ctx.intOption("s7-command-warmup", 300);
        // 31 devices, a number prime to the replica count: mosquitto hands the shared subscription's commands round
        // robin, so with 30 each device would always meet the same taker and the owner-taken share would be luck
        List<String> devices = fleet.endpoints().subList(0, Math.min(31, fleet.endpoints().size()));
        Map<String, Long> started = new ConcurrentHashMap<>();
        Map<String, Long> micros = new ConcurrentHashMap<>();
        AtomicLong notSuccess = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Runnable[] next = new Runnable[1];
        try (NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(),
                List.of(set.root + "/+/results/read"), List.of(), (source, topic, key, payload) -> {
                    String id = NorthboundTap.text(payload, "id");
                    Long t = id == null ? null : started.remove(id);
                    if (t == null) {
                        return;
                    }
                    micros.put(id, (System.nanoTime() - t) / 1000);
                    if (!"success".equals(NorthboundTap.text(payload, "status"))) {
                        notSuccess.incrementAndGet();
                    }
                    next[0].run();
                })) {
            Mqtt5AsyncClient app = tap.mqtt();
            long redis0 = redisCommands(set);
            long t0 = System.nanoTime();
            AtomicLong issued = new AtomicLong();
            next[0] = () -> {
                long n = issued.getAndIncrement();
                if (n >= total + warmup) {
                    done.countDown();
                    return;
                }
                String id = (n < warmup ? "s7w-" : "s7c-") + n;
                String ep = devices.get((int) (n % devices.size()));
                started.put(id, System.nanoTime());
                app.publishWith().topic(set.root + "/" + ep + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"id\":\"" + id + "\",\"path\":\"/3303/0/5700\"}").getBytes(StandardCharsets.UTF_8))
                        .send();
            };
            next[0].run();
            boolean finished = done.await(ctx.intOption("s7-timeout", 180), TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long redisCalls = redisCommands(set) - redis0;
            Set<String> routed = routedIds(set.logs(ctx));
            long[] direct = micros.entrySet().stream().filter(e -> e.getKey().startsWith("s7c-")
                    && !routed.contains(e.getKey())).mapToLong(Map.Entry::getValue).sorted().toArray();
            long[] handed = micros.entrySet().stream().filter(e -> e.getKey().startsWith("s7c-")
                    && routed.contains(e.getKey())).mapToLong(Map.Entry::getValue).sorted().toArray();
            figures(bench, direct, handed);
            bench.figure("S7", "redis round trip from the harness (PING) p50, same moment", redisPingMs(set), "ms", null,
                    null);
            // heartbeats, ownership checks and the inbox's blocking pops run all along: what they cost per second
            // on three idle replicas is not subtracted
            bench.figure("S7", "redis commands per command (" + String.format(java.util.Locale.ROOT, "%.1f", seconds)
                    + " s, background included)", (double) redisCalls / Math.max(1, issued.get() - 1), "calls", null,
                    null);
            bench.detail("S7", "commands", Map.of("measured", direct.length + handed.length, "warmup", warmup,
                    "takenByOwner", direct.length, "routed", handed.length, "finished", finished,
                    "notSuccess", notSuccess.get(), "devices", devices.size()));
        }
    }

    private static void figures(BenchMain bench, long[] direct, long[] handed) {
        double d50 = percentileMs(direct, 0.5);
        double d99 = percentileMs(direct, 0.99);
        double h50 = percentileMs(handed, 0.5);
        double h99 = percentileMs(handed, 0.99);
        boolean both = direct.length > 0 && handed.length > 0;
        bench.figure("S7", "command round trip p50, taken by the owner (" + direct.length + ")", d50, "ms", null,
                null);
        bench.figure("S7", "command round trip p99, taken by the owner", d99, "ms", null, null);
        bench.figure("S7", "command round trip p50, taken by another replica (" + handed.length + ")", h50, "ms",
                null, null);
        bench.figure("S7", "command round trip p99, taken by another replica", h99, "ms", null, null);
        double added50 = both ? h50 - d50 : Double.NaN;
        bench.figure("S7", "added latency from routing through redis, p50", added50, "ms", "< 1 ms",
                both ? added50 < 1 : null);
        bench.figure("S7", "added latency from routing through redis, p99", both ? h99 - d99 : Double.NaN, "ms",
                null, null);
        bench.figure("S7", "routed / owner-taken round trip, p50", both ? h50 / d50 : Double.NaN, "x", null, null);
    }

    /** The median of 200 PINGs to the set's redis-server: what one of the routed path's round trips costs now. */
    private static double redisPingMs(ReplicaSet set) {
        long[] micros = new long[200];
        for (int i = 0; i < micros.length; i++) {
            long t = System.nanoTime();
            set.redis.call().call("PING");
            micros[i] = (System.nanoTime() - t) / 1000;
        }
        java.util.Arrays.sort(micros);
        return BenchMain.percentileMs(micros, 0.5);
    }

    /** total_commands_processed of the set's redis-server. */
    private static long redisCommands(ReplicaSet set) {
        String info = set.redis.call().call("INFO", "stats").toString();
        Matcher m = Pattern.compile("total_commands_processed:(\\d+)").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static double percentileMs(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : BenchMain.percentileMs(sorted, q);
    }

    /** The ids of the commands some replica handed to the device's owner. */
    static Set<String> routedIds(String logs) {
        Set<String> ids = new HashSet<>();
        Matcher m = HANDED.matcher(logs);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
