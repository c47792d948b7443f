package io.lwm2mgw.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process under test: the packaged gateway (java -jar quarkus-run.jar with system properties) or the
 * bare Leshan reference server. Knows its start time, waits for readiness, reads RSS from /proc and the
 * heap after a forced GC through jcmd, and stops with SIGTERM.
 */
final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    final String name;
    final Process process;
    final long startNanos;
    final int coapPort;
    final int httpPort;
    private final Path javaHome;

    private GatewayProcess(String name, Process process, long startNanos, int coapPort, int httpPort, Path javaHome) {
        this.name = name;
        this.process = process;
        this.startNanos = startNanos;
        this.coapPort = coapPort;
        this.httpPort = httpPort;
        this.javaHome = javaHome;
    }

    /** Starts {@code app/quarkus-run.jar} on {@code javaHome} with the given JVM flags and properties. */
    static GatewayProcess gateway(String name, Path javaHome, Path app, List<String> jvmFlags,
            Map<String, String> properties, Path logDir) throws IOException {
        int coap = BenchMain.freeUdpPort();
        int http = BenchMain.freeTcpPort();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin/java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-Dgateway.lwm2m.port=" + coap);
        cmd.add("-Dgateway.lwm2m.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + http);
        cmd.add("-Dgateway.id=bench-" + name);
        cmd.add("-Dgateway.commands.store-directory=" + logDir.resolve("store-" + name).toAbsolutePath());
        // every scenario starts without devices: registrations a previous run left in the durable store would
        // be restored and skew the figures
        Path state = logDir.resolve("state-" + name).toAbsolutePath();
        deleteTree(state);
        cmd.add("-Dgateway.lwm2m.state-directory=" + state);
        cmd.add("-Dgateway.firmware.image-directory=" + logDir.resolve("firmware-" + name).toAbsolutePath());
        cmd.add("-Dgateway.firmware.campaign-directory=" + logDir.resolve("campaigns-" + name).toAbsolutePath());
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add("quarkus-run.jar");
        return start(name, cmd, app, coap, http, javaHome, logDir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Starts the bare Leshan server from this JVM's classpath. */
    static GatewayProcess bareLeshan(Path logDir) throws IOException {
        int coap = BenchMain.freeUdpPort();
        Path javaHome = Path.of(System.getProperty("java.home"));
        List<String> cmd = List.of(javaHome.resolve("bin/java").toString(), "-cp", System.getProperty("java.class.path"),
                BareLeshanServer.class.getName(), String.valueOf(coap));
        return start("bare-leshan", cmd, Path.of("."), coap, -1, javaHome, logDir);
    }

    private static GatewayProcess start(String name, List<String> cmd, Path dir, int coap, int http, Path javaHome,
            Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new GatewayProcess(name, p, start, coap, http, javaHome);
    }

    /** Waits until /q/health/ready answers 200 (or, for the bare server, "ready" is logged); seconds from start. */
    double awaitReady(Duration timeout, Path logDir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see "
                        + logDir.resolve(name + ".log"));
            }
            if (httpPort < 0 ? Files.readString(logDir.resolve(name + ".log")).contains("ready ") : ready()) {
                return (System.nanoTime() - startNanos) / 1e9;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(name + " not ready within " + timeout);
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Resident set size in KiB, from /proc/{pid}/status. */
    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /**
     * Heap in use after a full GC, KiB (jcmd GC.run, then GC.heap_info): G1's one heap line, or the young and
     * old generations of the Serial and Parallel collectors summed (never Metaspace).
     */
    long heapAfterGcKb() throws IOException, InterruptedException {
        jcmd("GC.run");
        jcmd("GC.run");
        long used = 0;
        boolean found = false;
        for (String line : jcmd("GC.heap_info").split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("garbage-first heap") || trimmed.contains("generation")
                    || trimmed.startsWith("PSYoungGen") || trimmed.startsWith("ParOldGen")) {
                Matcher m = HEAP_USED.matcher(trimmed);
                if (m.find()) {
                    used += Long.parseLong(m.group(1));
                    found = true;
                }
            }
        }
        return found ? used : -1;
    }

    /** The first {@code lines} lines of jcmd GC.class_histogram (largest classes by bytes). */
    String classHistogram(int lines) throws IOException, InterruptedException {
        String[] all = jcmd("GC.class_histogram").split("\n");
        return String.join("\n", java.util.Arrays.copyOf(all, Math.min(all.length, lines + 3)));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaHome.resolve("bin/jcmd").toString(), String.valueOf(process.pid()), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** The sum of every series of the Prometheus metric {@code name} (any tags); -1 when unreadable. */
    double metricSum(String name) {
        return sumOfSeries(line -> line.startsWith(name + "{") || line.startsWith(name + " "));
    }

    /**
     * The sum of the series of the Prometheus metric {@code name} whose labels contain {@code label} (such as
     * {@code direction="forwarded-out"}); -1 when unreadable.
     */
    double metricSeries(String name, String label) {
        return sumOfSeries(line -> line.startsWith(name + "{")
                && line.substring(0, line.indexOf('}') + 1).contains(label));
    }

    /** The sum of the values of the metric lines {@code series} accepts; -1 when the metrics are unreadable. */
    private double sumOfSeries(java.util.function.Predicate<String> series) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : body.split("\n")) {
                if (series.test(line)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Heap in use right now, bytes, from the Prometheus metrics (summed over the heap pools). */
    double heapUsedBytes() {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

}
