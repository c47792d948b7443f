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
 * Kafka off.
 */
final class Startup {

    private Startup() {
    }

    static void run(BenchMain.Context ctx, BenchMain bench) throws Exception {
        measure(ctx, bench, "JDK 17", ctx.javaHome(), ctx.app(), List.of());
        String aotHome = ctx.option("aot-java-home", "");
        Path aotApp = Path.of(ctx.option("aot-app", "target/bench/app-aot")).toAbsolutePath();
        if (aotHome.isEmpty() || !Files.exists(aotApp.resolve("app.aot"))) {
            bench.figure("S6", "JDK 25 AOT cache (not available: no " + aotApp.resolve("app.aot") + ")", Double.NaN,
                    "s", null, null);
            return;
        }
        measure(ctx, bench, "JDK 25 + AOT cache", Path.of(aotHome), aotApp, List.of("-XX:AOTCache=app.aot"));
    }

    private static void measure(BenchMain.Context ctx, BenchMain bench, String label, Path javaHome, Path app,
            List<String> flags) throws Exception {
        int runs = ctx.intOption("s6-runs", 3);
        long idle = ctx.intOption("s6-idle-seconds", 10);
        List<Double> ready = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            List<String> jvm = new ArrayList<>(flags);
            jvm.addAll(Arrays.asList(ctx.option("gateway-jvm-flags", "-XX:+UseG1GC").split(" ")));
            try (GatewayProcess gw = GatewayProcess.gateway("s6-" + label.replaceAll("\\W", "") + "-" + i, javaHome, app,
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
}
