package io.lwm2mgw.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto ({@code apt-get install mosquitto}) as a broker without persistence: when it restarts it
 * has lost every session and every retained message, as a broker pod restarted without a volume.
 */
final class MosquittoProcess implements AutoCloseable {

    private final int port = TestBrokers.freePort();
    private final Path config;
    private Process process;

    MosquittoProcess() throws IOException {
        config = Files.createTempFile("mosquitto", ".conf");
        Files.writeString(config, """
                listener %d 127.0.0.1
                allow_anonymous true
                persistence false
                """.formatted(port));
    }

    int port() {
        return port;
    }

    /** Starts the broker and waits until it accepts connections. */
    MosquittoProcess start() throws IOException {
        process = new ProcessBuilder("mosquitto", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
        return this;
    }

    /** Kills the broker: what it held in memory is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
