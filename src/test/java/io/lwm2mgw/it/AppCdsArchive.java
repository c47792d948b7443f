package io.lwm2mgw.it;

import static io.lwm2mgw.it.PackagedGatewayProcess.status;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One dynamic AppCDS archive of the packaged jar per build, used by every jar start of the ITs: the class data of
 * a full start (and a device's registration) is mapped instead of loaded, verified and linked again, about a
 * second of the 3.5 to 4.5 s of a start on the test machine. The first test JVM that starts a jar records it with a
 * training life of its own (its own mosquitto, Kafka off), in the background; until the archive is there, starts
 * go without it.
 *
 * <p>Shared by the test JVMs of a build through files only (Quarkus loads this class in more than one class
 * loader): the archive is named after the jar, its libraries and the JVM, so a rebuilt jar never meets an old
 * archive; one marker file lets exactly one JVM train; the training life records to a name of its own, and the
 * archive appears under its final name by a rename only once that life exited after SIGTERM and a
 * {@code -Xshare:on} JVM mapped it, so no start reads a half-written or unusable file. The JVM's cds logging is
 * off in every start: its warnings (classes it skips while recording) stay out of the logs the tests read.
 * {@code -Dit.appcds=false} starts every jar without it.
 */
final class AppCdsArchive {

    private static final Duration READY = Duration.ofSeconds(60);

    private AppCdsArchive() {
    }

    /**
     * The JVM options of a jar start of {@code jar} with {@code jvmOptions}: the archive once it is recorded,
     * nothing until then (a JVM pointed at a missing archive would drop the JDK's own class data too).
     */
    static List<String> options(Path jar, List<String> jvmOptions) {
        if (!Boolean.parseBoolean(System.getProperty("it.appcds", "true"))) {
            return List.of();
        }
        try {
            Path archive = archive(jar, jvmOptions);
            if (Files.isRegularFile(archive)) {
                return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
            }
            startTraining(jar, jvmOptions, archive);
        } catch (IOException e) {
            System.err.println("AppCDS archive unavailable: " + e);
        }
        return List.of();
    }

    /**
     * Writes {@link #options} into the java argument file {@code it.jvm.argfile}, which the pom adds to
     * {@code quarkus.test.arg-line}: how the jars {@code @QuarkusIntegrationTest} launches get the archive. Written
     * under a temporary name and renamed, so a java launched meanwhile reads the old file or the new one.
     */
    static void writeArgFile() {
        String argFile = System.getProperty("it.jvm.argfile", "").strip();
        String artifact = System.getProperty("it.artifact", "");
        if (argFile.isEmpty() || argFile.startsWith("${")) {
            return;
        }
        List<String> options = artifact.endsWith(".jar") ? options(Path.of(artifact), itJvmOptions()) : List.of();
        try {
            Path target = Path.of(argFile);
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path temporary = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(temporary, String.join("\n", options) + "\n");
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test JVM's options for a packaged jar (pom: {@code it.jvm.options}). */
    static List<String> itJvmOptions() {
        List<String> options = new ArrayList<>();
        for (String option : System.getProperty("it.jvm.options", "").strip().split("\\s+")) {
            if (!option.isEmpty()) {
                options.add(option);
            }
        }
        return options;
    }

    private static Path archive(Path jar, List<String> jvmOptions) throws IOException {
        Path app = jar.toAbsolutePath().getParent();
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version") + "|" + jar
                + "|" + jvmOptions).getBytes(StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.walk(app)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update((app.relativize(file) + "|" + Files.size(file) + "|"
                        + Files.getLastModifiedTime(file).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        String key = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        return app.resolveSibling("it-appcds").resolve("gateway-" + key + ".jsa");
    }

    /** Starts the training life in the background, unless a JVM of this build already did. */
    private static void startTraining(Path jar, List<String> jvmOptions, Path archive) throws IOException {
        Files.createDirectories(archive.getParent());
        Path marker = archive.resolveSibling(archive.getFileName() + ".training");
        try {
            Files.createFile(marker);
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Thread training = new Thread(() -> {
            try {
                record(jar, jvmOptions, archive);
            } catch (Exception | AssertionError e) {
                log(archive, "no archive: " + e);
            }
        }, "appcds-training");
        training.setDaemon(true);
        training.start();
    }

    private static void record(Path jar, List<String> jvmOptions, Path archive) throws Exception {
        Path recording = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Path log = archive.resolveSibling(archive.getFileName() + ".training.log");
        // a mosquitto of its own, up in milliseconds, rather than the test JVM's brokers, which take seconds to
        // start; no Kafka, whose client classes would make the dump at exit (many seconds here) longer still
        try (MosquittoProcess broker = new MosquittoProcess().start()) {
            trainingLife(jar, jvmOptions, broker.port(), recording, log);
        }
        if (!Files.isRegularFile(recording)) {
            throw new IllegalStateException("the training life wrote no archive");
        }
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + recording, "-cp", jar.toString(), "-version")
                .redirectErrorStream(true).redirectOutput(log.resolveSibling(log.getFileName() + ".check").toFile())
                .start();
        if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
            check.destroyForcibly();
            Files.deleteIfExists(recording);
            throw new IllegalStateException("the recorded archive does not map");
        }
        Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
        log(archive, "archive ready");
    }

    /** One life with {@code -XX:ArchiveClassesAtExit}: ready, a device registers, a few reads, SIGTERM. */
    private static void trainingLife(Path jar, List<String> jvmOptions, int mqttPort, Path recording, Path log)
            throws Exception {
        int http = TestBrokers.freePort();
        int coap = TestBrokers.freeUdpPort();
        Path data = Files.createTempDirectory(recording.getParent(), "training");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + recording, "-Xlog:cds*=off",
                "-Dgateway.id=gw-appcds-training", "-Dquarkus.http.port=" + http,
                "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + mqttPort,
                "-Dgateway.mqtt.topic-root=appcds-training", "-Dgateway.lwm2m.host=127.0.0.1",
                "-Dgateway.lwm2m.port=" + coap, "-Dgateway.lwm2m.security.coaps-port=0",
                "-Dgateway.lwm2m.state-directory=" + data.resolve("registrations"),
                "-Dgateway.commands.store-directory=" + data.resolve("commands"),
                "-Dgateway.firmware.image-directory=" + data.resolve("images"),
                "-Dgateway.firmware.campaign-directory=" + data.resolve("campaigns"),
                "-jar", jar.toString()));
        Process life = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Thread reaper = new Thread(life::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            await().atMost(READY).ignoreExceptions().until(() -> {
                if (!life.isAlive()) {
                    throw new IllegalStateException("the training life ended with " + life.exitValue());
                }
                return status(http, "/q/health/ready") == 200;
            });
            // what most tests do next: a device registers, the API and the metrics are read
            try (TestDevice device = givenDevice("appcds-training").withTemperature().withLight().registeredAt(coap)) {
                status(http, "/api/v1/devices");
                status(http, "/q/metrics");
                status(http, "/q/health");
            }
            life.destroy();
            if (!life.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the training life did not stop within 60 s");
            }
        } finally {
            life.destroyForcibly();
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    private static void log(Path archive, String line) {
        try {
            Files.writeString(archive.resolveSibling(archive.getFileName() + ".result"), line + "\n");
        } catch (IOException e) {
            System.err.println("AppCDS: " + line);
        }
    }
}
