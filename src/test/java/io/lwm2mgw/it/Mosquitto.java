package io.lwm2mgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto 2 ({@code apt-get install mosquitto mosquitto-clients}, which {@code .ci/run} installs), one
 * per JVM, on a free loopback port: the broker many deployments run, which passes on PUBLISH packets the
 * embedded broker would refuse. Quarkus loads test classes in more than one class loader, so the port lives in
 * a system property.
 */
public final class Mosquitto {

    private static final Path BROKER = Path.of("/usr/sbin/mosquitto");
    private static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final String PORT = "test.mosquitto.port";

    private Mosquitto() {
    }

    /** The port of the running broker, started on first use (and stopped with the JVM). */
    public static int port() {
        synchronized (System.getProperties()) {
            String port = System.getProperty(PORT);
            if (port == null) {
                port = String.valueOf(start());
                System.setProperty(PORT, port);
            }
            return Integer.parseInt(port);
        }
    }

    private static int start() {
        if (!Files.isExecutable(BROKER) || !Files.isExecutable(PUB)) {
            throw new IllegalStateException("mosquitto is not installed: apt-get install -y mosquitto mosquitto-clients");
        }
        int port = TestBrokers.freePort();
        try {
            Path home = Files.createTempDirectory("test-mosquitto");
            Path config = home.resolve("mosquitto.conf");
            // user root: started as root, mosquitto would drop to user mosquitto, which cannot read this folder
            Files.writeString(config, String.join("\n",
                    "user root",
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous true",
                    "persistence false",
                    // the next command of a session is held back until the one before it is acknowledged
                    "max_inflight_messages 1",
                    "log_dest file " + home.resolve("mosquitto.log"),
                    "log_type all", ""));
            Process process = new ProcessBuilder(BROKER.toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(home.resolve("stdout.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            org.awaitility.Awaitility.await("mosquitto listening, see " + home).atMost(Duration.ofSeconds(10))
                    .until(() -> !process.isAlive() || accepts(port));
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto did not start; see " + home);
            }
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code mosquitto_pub -V mqttv5 -q 1 -t topic -m message extra...} against {@code port}. */
    public static void publish(int port, String topic, String message, String... extra) {
        List<String> command = new ArrayList<>(List.of(PUB.toString(), "-V", "mqttv5", "-h", "127.0.0.1",
                "-p", String.valueOf(port), "-q", "1", "-t", topic, "-m", message));
        command.addAll(List.of(extra));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("mosquitto_pub failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
