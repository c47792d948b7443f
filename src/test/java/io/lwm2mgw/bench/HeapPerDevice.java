package io.lwm2mgw.bench;

import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * S5, heap per device: the gateway's heap after a full GC (jcmd GC.run, GC.heap_info) before and after N
 * (10k) devices registered and each holds one observation (an auto-observe rule on /3303/0/5700).
 * Measured twice: right after the storm, when Californium's deduplicator still holds each device's Register
 * exchange (request, response and their executor, for EXCHANGE_LIFETIME, 247 s, to answer a retransmission
 * with the same response), and once that window has passed (--s5-settle-seconds, default 265: the lifetime
 * plus the 10 s sweep), which is what a fleet of registered, quiet devices costs. The devices register with a
 * lifetime of one hour, so no registration update falls inside the window.
 */
final class HeapPerDevice {

    private HeapPerDevice() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s5-devices", 10_000);
        int settleSeconds = ctx.intOption("s5-settle-seconds", 265);
        Set<String> bridged = ConcurrentHashMap.newKeySet();
        try (GatewayProcess gw = ctx.gateway("s5", Map.of("gateway.observe.rules[0].path", "/3303/0/5700"));
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(), List.of("lwm2m/+/status"),
                     List.of(), (source, topic, key, payload) -> {
                         if (topic.startsWith("lwm2m/s5-")) {
                             bridged.add(topic);
                         }
                     })) {
            Thread.sleep(3000); // let start-up garbage settle before the baseline
            long before = gw.heapAfterGcKb();
            long rssBefore = gw.rssKb();
            try (Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix("s5-").threads(2).lifetime(3600)
                    .server("127.0.0.1", gw.coapPort))) {
                fleet.awaitRegistered(Duration.ofSeconds(180));
                BenchMain.waitFor(() -> fleet.stats().observationsActive.sum() >= devices, 180_000);
                BenchMain.waitFor(() -> bridged.size() >= devices, 60_000);
                // on a busy machine the events can still wait for Kafka: what is queued is not what a device keeps
                BenchMain.waitFor(() -> gw.metricSum("northbound_buffer_depth") == 0, 120_000);
                Thread.sleep(2000);
                long after = gw.heapAfterGcKb();
                double perDevice = (after - before) * 1024.0 / devices;
                // what the deduplication window holds shows against the histogram taken after it
                java.nio.file.Files.writeString(ctx.logDir().resolve("s5-class-histogram-before-window.txt"),
                        gw.classHistogram(40));
                bench.figure("S5", "heap per device with one observation, right after registering (includes the"
                        + " deduplication window)", perDevice / 1000, "KB", "", null);
                bench.figure("S5", "issue 17: heap per device before the deduplication window, / 4 KB",
                        perDevice / 4000, "x", "<= 1x (4 KB)", perDevice <= 4000);
                if (settleSeconds > 0) {
                    Thread.sleep(settleSeconds * 1000L); // the deduplication window is time, not an event
                    long settled = gw.heapAfterGcKb();
                    double settledPerDevice = (settled - before) * 1024.0 / devices;
                    bench.figure("S5", "heap per device with one observation, after the " + settleSeconds
                            + " s deduplication window", settledPerDevice / 1000, "KB", "<= 6 KB",
                            settledPerDevice <= 6000);
                    bench.figure("S5", "issue 17: heap per device after the deduplication window, / 3 KB",
                            settledPerDevice / 3000, "x", "<= 1x (3 KB)", settledPerDevice <= 3000);
                    bench.detail("S5", "heapAfterGcKbSettled", settled);
                }
                String histogram = gw.classHistogram(25);
                java.nio.file.Files.writeString(ctx.logDir().resolve("s5-class-histogram.txt"), histogram);
                System.out.println(histogram);
                bench.detail("S5", "heapAfterGcKbBefore", before);
                bench.detail("S5", "heapAfterGcKbAfter", after);
                bench.detail("S5", "rssKbBefore", rssBefore);
                bench.detail("S5", "rssKbAfter", gw.rssKb());
                bench.detail("S5", "registered", fleet.stats().registered.sum());
                bench.detail("S5", "observations", fleet.stats().observationsActive.sum());
            }
        }
    }
}
