package io.lwm2mgw.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark suite ({@code scripts/bench}): runs scenarios S1-S9 against the packaged gateway (and K1, the
 * two Kafka outbound paths, in a Quarkus test application) with real brokers the script started (mosquitto,
 * single-node Kafka), prints a table of figures against the
 * issue's targets and writes them as JSON. Arguments are {@code --key value} pairs (see scripts/bench).
 */
public final class BenchMain {

    /** One published figure. {@code met} is null where the figure has no target. */
    record Figure(String scenario, String name, double value, String unit, String target, Boolean met) { }

    /** What every scenario needs: where the brokers and the packaged gateway are, and the options. */
    record Context(int mqttPort, String kafkaBootstrap, Path javaHome, Path app, Path logDir,
            Map<String, String> options) {

        String option(String key, String fallback) {
            return options.getOrDefault(key, fallback);
        }

        int intOption(String key, int fallback) {
            return Integer.parseInt(option(key, String.valueOf(fallback)));
        }

        /** Starts the gateway on JDK {@code javaHome} with the brokers, plus scenario properties. */
        GatewayProcess gateway(String name, Map<String, String> extra) throws IOException, InterruptedException {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("gateway.mqtt.host", "127.0.0.1");
            props.put("gateway.mqtt.port", String.valueOf(mqttPort));
            props.put("kafka.bootstrap.servers", kafkaBootstrap);
            // the simulated fleet registers from one address: the per-address limit would count it as one source
            props.put("gateway.lwm2m.limits.registrations-per-address", "100000000");
            props.putAll(extra);
            for (String kv : option("gateway-props", "").split(",")) {
                if (kv.contains("=")) {
                    props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
                }
            }
            GatewayProcess gw = GatewayProcess.gateway(name, javaHome, app,
                    List.of(option("gateway-jvm-flags", "-XX:+UseG1GC").split(" ")), props, logDir);
            gw.awaitReady(java.time.Duration.ofSeconds(60), logDir);
            return gw;
        }
    }

    final List<Figure> figures = new ArrayList<>();
    final Map<String, Object> details = new LinkedHashMap<>();

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Context ctx = new Context(Integer.parseInt(options.get("mqtt-port")), options.get("kafka"),
                Path.of(options.getOrDefault("java-home", System.getProperty("java.home"))),
                Path.of(options.getOrDefault("app", "target/quarkus-app")).toAbsolutePath(),
                Path.of(options.getOrDefault("log-dir", "target/bench")).toAbsolutePath(), options);
        List<String> scenarios = Arrays.asList(options.getOrDefault("scenarios", "S1,S2,S3,S4,S5,S6").split(","));
        BenchMain bench = new BenchMain();
        for (String s : scenarios) {
            System.out.println("== " + s + " ==");
            try {
                switch (s.trim()) {
                    case "S1" -> RegistrationStorm.run(ctx, bench);
                    case "S2" -> NotificationFanIn.run(ctx, bench);
                    case "S3" -> CommandRoundTrip.run(ctx, bench);
                    case "S4" -> FirmwarePush.run(ctx, bench);
                    case "S5" -> HeapPerDevice.run(ctx, bench);
                    case "S6" -> Startup.run(ctx, bench);
                    case "S7" -> ReplicaScaleOut.run(ctx, bench);
                    case "S8" -> NotificationSoak.run(ctx, bench);
                    case "S9" -> SendFanIn.run(ctx, bench);
                    case "K1" -> KafkaOutbound.run(ctx, bench);
                    default -> throw new IllegalArgumentException("unknown scenario " + s);
                }
            } catch (Exception e) {
                System.out.println(s + " failed: " + e);
                e.printStackTrace(System.out);
                bench.details.put(s + "-error", String.valueOf(e));
            }
        }
        bench.report(ctx, Path.of(options.getOrDefault("out", "target/bench/results.json")));
        System.exit(0);
    }

    void figure(String scenario, String name, double value, String unit, String target, Boolean met) {
        Figure f = new Figure(scenario, name, value, unit, target, met);
        figures.add(f);
        System.out.println(line(f));
    }

    void detail(String scenario, String key, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) details.computeIfAbsent(scenario, k -> new LinkedHashMap<>());
        m.put(key, value);
    }

    private static String line(Figure f) {
        String value = Double.isNaN(f.value()) ? "n/a" : String.format(Locale.ROOT,
                Math.abs(f.value()) >= 100 ? "%.0f" : "%.3g", f.value());
        return String.format(Locale.ROOT, "%-3s %-58s %12s %-14s %-16s %s", f.scenario(), f.name(), value, f.unit(),
                f.target() == null ? "" : f.target(), f.met() == null ? "" : f.met() ? "met" : "MISSED");
    }

    private void report(Context ctx, Path out) throws IOException {
        System.out.println();
        System.out.println(String.format(Locale.ROOT, "%-3s %-58s %12s %-14s %-16s %s", "", "figure", "value", "unit",
                "target", ""));
        figures.forEach(f -> System.out.println(line(f)));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("time", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "memoryGb", memoryGb(), "java", System.getProperty("java.version"),
                "gatewayJavaHome", ctx.javaHome().toString()));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", f.scenario());
            m.put("name", f.name());
            m.put("value", Double.isNaN(f.value()) ? null : f.value());
            m.put("unit", f.unit());
            m.put("target", f.target());
            m.put("met", f.met());
            list.add(m);
        }
        doc.put("figures", list);
        doc.put("details", details);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
        System.out.println("\nwritten " + out);
    }

    private static long memoryGb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0);
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    /** Udp InErrors and RcvbufErrors from /proc/net/snmp (system wide). */
    static long[] udpErrors() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
        List<String> names = Arrays.asList(lines.get(0).split("\\s+"));
        String[] values = lines.get(1).split("\\s+");
        return new long[] {Long.parseLong(values[names.indexOf("InErrors")]),
            Long.parseLong(values[names.indexOf("RcvbufErrors")])};
    }

    /** CPU time (user + system) a process used so far, seconds, from /proc/{pid}/stat; -1 when unknown. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15, USER_HZ = 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU seconds of the brokers the script started ({@code --broker-pids}), summed. */
    static double brokersCpuSeconds(Context ctx) {
        double sum = 0;
        for (String pid : ctx.option("broker-pids", "").split(",")) {
            if (!pid.isBlank()) {
                sum += Math.max(0, cpuSeconds(Long.parseLong(pid.trim())));
            }
        }
        return sum;
    }

    static double percentileMs(long[] sortedMicros, double q) {
        return io.lwm2mgw.sim.FleetStats.percentile(sortedMicros, q) / 1000.0;
    }

    static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 10 ms until true or {@code timeoutMs}; true when it held. */
    static boolean waitFor(java.util.function.BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
