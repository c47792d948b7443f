package io.lwm2mgw.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged gateway as an operator runs it: its own process, configured by system properties and
 * environment, stopped by a signal. The artifact is the jar, or the native executable when the build says
 * so (system property {@code it.artifact}, set by pom.xml).
 */
final class PackagedGatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path log;

    private PackagedGatewayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the gateway; every entry of {@code properties} is a {@code -Dkey=value}. */
    static PackagedGatewayProcess start(Map<String, String> env, List<String> properties) throws IOException {
        String artifact = System.getProperty("it.artifact", "target/quarkus-app/quarkus-run.jar");
        boolean jar = artifact.endsWith(".jar");
        List<String> command = new ArrayList<>();
        command.add(jar ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : artifact);
        if (jar) {
            // the test JVM's own settings (pom: test.jvm), so that a gateway living for seconds spends its CPU on the test
            List<String> options = AppCdsArchive.itJvmOptions();
            command.addAll(options);
            command.addAll(AppCdsArchive.options(Path.of(artifact), options));
        }
        command.addAll(properties);
        if (jar) {
            command.add("-jar");
            command.add(artifact);
        }
        // under target/, so that the build's clean takes the logs of every start with it
        Path logs = Files.createDirectories(Path.of("target", "gateway-process-logs"));
        Path log = Files.createTempFile(logs, "gateway-process", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new PackagedGatewayProcess(builder.start(), log);
    }

    Process process() {
        return process;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** The HTTP status of a GET on this gateway's port. */
    static int status(int httpPort, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .statusCode();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
