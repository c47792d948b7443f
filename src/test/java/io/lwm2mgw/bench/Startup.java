package io.lwm2mgw.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * S6, start-up: time from process start to /q/health/ready answering 200 and the RSS after an idle
 * period, on JDK 17 (the plain jar) and on JDK 25 with the AOT cache (a separately packaged app whose
 * app.aot the script made), each the median of three starts with an external MQTT broker (mosquitto) and
 * Kafka off. The plain jar is also started with the JVM options a pod of deploy/k8s gets (--s6-pod-flags,
 * default the image's Serial collector and a heap from a 512Mi limit), since a JVM without a cap sizes its heap
 * and collector for the whole machine. The AOT cache is trained and measured with the pod's options, as the
 * JVM image runs it; scripts/measure-startup.sh measures every form both ways.
 */
final class Startup {

    private Startup() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        List<String> defaults = Arrays.asList(ctx.option("gateway-jvm-flags", "-XX:+UseG1GC").split(" "));
        measure(ctx, bench, "JDK 17", ctx.javaHome(), ctx.app(), defaults);
        String pod = ctx.option("s6-pod-flags", "-XX:+UseSerialGC -XX:MaxRAM=512m -XX:MaxRAMPercentage=50");
        if (!pod.isBlank()) {
            measure(ctx, bench, "JDK 17 with a pod's JVM options (" + pod + ")", ctx.javaHome(), ctx.app(),
                    Arrays.asList(pod.split(" ")));
        }
        String aotHome = ctx.option("aot-java-home", "");
        Path aotApp = Path.of(ctx.option("aot-app", "target/bench/app-aot")).toAbsolutePath();
        if (aotHome.isEmpty() || !Files.exists(aotApp.resolve("app.aot"))) {
            bench.figure("S6", "JDK 25 AOT cache (not available: no " + aotApp.resolve("app.aot") + ")", Double.NaN,
                    "s", null, null);
            return;
        }
        // scripts/bench trains the cache with the image's options, so it runs with them
        List<String> aot = new ArrayList<>(List.of("-XX:AOTCache=app.aot"));
        aot.addAll(Arrays.asList((pod.isBlank() ? "-XX:+UseSerialGC" : pod).split(" ")));
        measure(ctx, bench, "JDK 25 + AOT cache, pod's JVM options", Path.of(aotHome), aotApp, aot);
    }

    private static void measure(BenchMain.Context ctx, BenchMain bench, String label, Path javaHome, Path app,
            List<String> flags) throws Exception {
        int runs = ctx.intOption("s6-runs", 3);
        long idle = ctx.intOption("s6-idle-seconds", 10);
        List<Double> ready = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            List<String> jvm = new ArrayList<>(flags);
            try (GatewayProcess gw = GatewayProcess.gateway("s6-" + shortName(label) + "-" + i, javaHome, app,
                    jvm, Map.of("gateway.mqtt.host", "127.0.0.1", "gateway.mqtt.port", String.valueOf(ctx.mqttPort())),
                    ctx.logDir())) {
                ready.add(gw.awaitReady(Duration.ofSeconds(60), ctx.logDir()));
                Thread.sleep(idle * 1000);
                rss.add(gw.rssKb());
            }
        }
        double medianReady = ready.stream().sorted().toList().get(runs / 2);
        double medianRss = rss.stream().sorted().toList().get(runs / 2) * 1024 / 1e6;
        bench.figure("S6", "start to ready, " + label + " (median of " + runs + ")", medianReady, "s", "< 1.5 s",
                medianReady < 1.5);
        bench.figure("S6", "idle RSS " + idle + " s after ready, " + label, medianRss, "MB", "< 150 MB",
                medianRss < 150);
        bench.detail("S6", label, Map.of("readySeconds", ready, "rssKb", rss, "flags", flags));
    }

    /** A file-name-safe prefix of the label, distinct for the three variants. */
    private static String shortName(String label) {
        String id = label.replaceAll("\\W", "");
        return id.substring(0, Math.min(12, id.length()));
    }
}
