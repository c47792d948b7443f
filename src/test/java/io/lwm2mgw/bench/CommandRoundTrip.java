package io.lwm2mgw.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S3, command round trip: an MQTT 5 application reads /3303/0/5700 from simulated devices through the
 * gateway and waits for the result on MQTT, with 1, 16 and 128 commands in flight (each in-flight slot
 * owns one device, since the gateway keeps one request in flight per device).
 */
final class CommandRoundTrip {

    private CommandRoundTrip() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = 128;
        Map<String, Long> started = new ConcurrentHashMap<>();
        Map<String, Runnable> next = new ConcurrentHashMap<>();
        AtomicLong failures = new AtomicLong();
        long[][] latencies = {new long[0]};
        AtomicInteger recorded = new AtomicInteger();
        try (GatewayProcess gw = ctx.gateway("s3", Map.of());
             Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix("s3-").threads(2)
                     .server("127.0.0.1", gw.coapPort));
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(),
                     List.of("lwm2m/+/results/read"), List.of(), (source, topic, key, payload) -> {
                         String id = NorthboundTap.text(payload, "id");
                         Long t = id == null ? null : started.remove(id);
                         if (t == null) {
                             return;
                         }
                         long micros = (System.nanoTime() - t) / 1000;
                         if (!"success".equals(NorthboundTap.text(payload, "status"))) {
                             failures.incrementAndGet();
                         }
                         int i = recorded.getAndIncrement();
                         if (i >= 0 && i < latencies[0].length) {
                             latencies[0][i] = micros;
                         }
                         Runnable r = next.remove(id);
                         if (r != null) {
                             r.run();
                         }
                     })) {
            fleet.awaitRegistered(Duration.ofSeconds(60));
            Mqtt5AsyncClient app = tap.mqtt();
            for (String f : ctx.option("s3-in-flight", "1,16,128").split(",")) {
                int inFlight = Integer.parseInt(f.trim());
                int total = ctx.intOption("s3-commands", 3000) * (inFlight == 1 ? 1 : 3);
                int warmup = Math.min(500, total / 5);
                latencies[0] = new long[total];
                recorded.set(-warmup);
                AtomicInteger issued = new AtomicInteger();
                CountDownLatch done = new CountDownLatch(inFlight);
                long[] measuredStart = {0};
                for (int slot = 0; slot < inFlight; slot++) {
                    String ep = fleet.endpoints().get(slot);
                    Runnable[] loop = new Runnable[1];
                    loop[0] = () -> {
                        int n = issued.getAndIncrement();
                        if (n >= total + warmup) {
                            done.countDown();
                            return;
                        }
                        if (n == warmup) {
                            measuredStart[0] = System.nanoTime();
                        }
                        String id = "b" + inFlight + "-" + n;
                        next.put(id, loop[0]);
                        started.put(id, System.nanoTime());
                        app.publishWith().topic("lwm2m/" + ep + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                                .payload(("{\"id\":\"" + id + "\",\"path\":\"/3303/0/5700\"}")
                                        .getBytes(StandardCharsets.UTF_8)).send();
                    };
                    loop[0].run();
                }
                boolean finished = done.await(300, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - measuredStart[0]) / 1e9;
                long[] sorted = Arrays.copyOf(latencies[0], Math.min(total, Math.max(0, recorded.get())));
                Arrays.sort(sorted);
                String at = ", " + inFlight + " in flight";
                bench.figure("S3", "commands/s" + at, sorted.length / seconds, "cmd/s", null, null);
                double p50 = BenchMain.percentileMs(sorted, 0.5);
                double p99 = BenchMain.percentileMs(sorted, 0.99);
                bench.figure("S3", "round trip p50" + at, p50, "ms", inFlight == 1 ? "< 1 ms" : null,
                        inFlight == 1 ? p50 < 1 : null);
                bench.figure("S3", "round trip p99" + at, p99, "ms", inFlight == 1 ? "< 5 ms" : null,
                        inFlight == 1 ? p99 < 5 : null);
                bench.detail("S3", "inFlight" + inFlight, Map.of("commands", sorted.length, "warmup", warmup,
                        "finished", finished, "notSuccess", failures.get()));
            }
        }
    }
}
