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
 */
final class HeapPerDevice {

    private HeapPerDevice() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s5-devices", 10_000);
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
            try (Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix("s5-").threads(2)
                    .server("127.0.0.1", gw.coapPort))) {
                fleet.awaitRegistered(Duration.ofSeconds(180));
                BenchMain.waitFor(() -> fleet.stats().observationsActive.sum() >= devices, 180_000);
                BenchMain.waitFor(() -> bridged.size() >= devices, 60_000);
                Thread.sleep(2000);
                long after = gw.heapAfterGcKb();
                double perDevice = (after - before) * 1024.0 / devices;
                bench.figure("S5", "heap per device with one observation", perDevice / 1000, "KB", "<= 6 KB",
                        perDevice <= 6000);
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
