package io.lwm2mgw.bench;

import io.lwm2mgw.sim.Fleet;
import io.lwm2mgw.sim.FleetConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S8, notification soak: 2,000 devices, each observed on /3303/0/5700, notify together at 2,000 NON
 * notifications/s for 10 minutes, in the heap of the prod overlay's pod (deploy/k8s/overlays/prod: 768Mi
 * limit, JAVA_TOOL_OPTIONS of the base ConfigMap: MaxRAMPercentage=50, ExitOnOutOfMemoryError). The heap
 * after a full GC is sampled every 30 s: a deduplication store that grows with the notification rate shows
 * as a rising line, and an OutOfMemoryError ends the gateway (the scenario then reports it dead). Options:
 * --s8-devices (2000), --s8-rate (2000), --s8-seconds (600), --s8-sample-seconds (30), --s8-max-ram (768m).
 */
final class NotificationSoak {

    private NotificationSoak() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        int devices = ctx.intOption("s8-devices", 2000);
        int rate = ctx.intOption("s8-rate", 2000);
        int seconds = ctx.intOption("s8-seconds", 600);
        int sampleSeconds = ctx.intOption("s8-sample-seconds", 30);
        String maxRam = ctx.option("s8-max-ram", "768m");
        List<String> jvm = List.of("-XX:MaxRAM=" + maxRam, "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("gateway.mqtt.host", "127.0.0.1");
        props.put("gateway.mqtt.port", String.valueOf(ctx.mqttPort()));
        props.put("kafka.bootstrap.servers", ctx.kafkaBootstrap());
        props.put("gateway.observe.rules[0].path", "/3303/0/5700");
        props.put("gateway.lwm2m.limits.registrations-per-address", "100000000"); // the fleet is one address
        for (String kv : ctx.option("gateway-props", "").split(",")) {
            if (kv.contains("=")) { // e.g. the deduplication settings of an older release, to compare
                props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        AtomicLong delivered = new AtomicLong();
        GatewayProcess gw = GatewayProcess.gateway("s8", ctx.javaHome(), ctx.app(), jvm, props, ctx.logDir());
        try (gw;
             NorthboundTap tap = new NorthboundTap(ctx.mqttPort(), ctx.kafkaBootstrap(), List.of("lwm2m/+/data/#"),
                     List.of(), (source, topic, key, payload) -> delivered.incrementAndGet());
             Fleet fleet = Fleet.start(new FleetConfig().devices(devices).prefix("s8-").threads(2).lifetime(3600)
                     .server("127.0.0.1", gw.coapPort))) {
            gw.awaitReady(Duration.ofSeconds(60), ctx.logDir());
            fleet.awaitRegistered(Duration.ofSeconds(120));
            BenchMain.waitFor(() -> fleet.stats().observationsActive.sum() >= devices, 120_000);
            long baseline = gw.heapAfterGcKb();
            bench.detail("S8", "observations", fleet.stats().observationsActive.sum());
            bench.detail("S8", "heapAfterGcKbBeforeNotifying", baseline);
            long sent0 = fleet.stats().notificationsSent.sum();
            long delivered0 = delivered.get();
            fleet.setNotifyRate(rate);
            long start = System.nanoTime();
            List<Long> heap = new ArrayList<>();
            List<Map<String, Object>> samples = new ArrayList<>();
            boolean alive = true;
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                Thread.sleep(sampleSeconds * 1000L);
                long kb;
                long rss;
                try {
                    kb = gw.heapAfterGcKb();
                    rss = gw.rssKb();
                } catch (java.io.IOException e) {
                    kb = -1;
                    rss = -1;
                }
                if (!gw.process.isAlive() || kb < 0) {
                    alive = false; // ended by ExitOnOutOfMemoryError: see s8.log
                    System.out.println("S8 the gateway died: " + gw.process.isAlive());
                    break;
                }
                heap.add(kb);
                double at = (System.nanoTime() - start) / 1e9;
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("seconds", Math.round(at));
                sample.put("heapAfterGcKb", kb);
                sample.put("rssKb", rss);
                sample.put("sent", fleet.stats().notificationsSent.sum() - sent0);
                sample.put("delivered", delivered.get() - delivered0);
                samples.add(sample);
                System.out.printf("S8 t=%4.0f s heap after GC %7d KB, RSS %7d KB, sent %d, delivered %d%n", at, kb,
                        rss, fleet.stats().notificationsSent.sum() - sent0, delivered.get() - delivered0);
            }
            fleet.setNotifyRate(0);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long sent = fleet.stats().notificationsSent.sum() - sent0;
            BenchMain.waitFor(() -> delivered.get() - delivered0 >= sent, 30_000);
            bench.detail("S8", "samples", samples);
            bench.figure("S8", "gateway alive after " + seconds + " s (no OutOfMemoryError)", alive ? 1 : 0, "bool",
                    "1", alive);
            bench.figure("S8", "notifications sent per second", sent / elapsed, "notif/s", null, null);
            bench.figure("S8", "delivered to MQTT", 100.0 * (delivered.get() - delivered0) / Math.max(1, sent), "%",
                    null, null);
            if (heap.size() >= 2) {
                long first = heap.get(0);
                long last = heap.get(heap.size() - 1);
                long max = heap.stream().mapToLong(Long::longValue).max().orElse(-1);
                long secondHalfStart = heap.get(heap.size() / 2);
                double growthMb = (last - secondHalfStart) / 1024.0;
                bench.figure("S8", "heap after GC before notifying", baseline / 1024.0, "MB", null, null);
                bench.figure("S8", "heap after GC, first sample", first / 1024.0, "MB", null, null);
                bench.figure("S8", "heap after GC, last sample", last / 1024.0, "MB", null, null);
                bench.figure("S8", "heap after GC, highest sample", max / 1024.0, "MB", null, null);
                bench.figure("S8", "heap after GC growth over the second half", growthMb, "MB", "< 16 MB (flat)",
                        growthMb < 16);
                bench.figure("S8", "heap after GC per device while notifying", (first - baseline) * 1024.0 / devices
                        / 1000, "KB", null, null);
            }
        }
    }
}
