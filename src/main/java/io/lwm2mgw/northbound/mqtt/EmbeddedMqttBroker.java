package io.lwm2mgw.northbound.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * An in-process MQTT 5 broker (HiveMQ CE) for a first run without any external service. It keeps its
 * state in memory and in a temporary folder that is removed on stop; it sends no usage statistics.
 */
final class EmbeddedMqttBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedMqttBroker.class);
    /** How long {@link #close} waits for the broker's own stop. */
    private static final long STOP_WAIT_MS = 500;

    private final EmbeddedHiveMQ broker;
    private final Path home;

    private EmbeddedMqttBroker(EmbeddedHiveMQ broker, Path home) {
        this.broker = broker;
        this.home = home;
    }

    /** Starts a broker listening on {@code host:port}; blocks until it accepts connections. */
    static EmbeddedMqttBroker start(String host, int port) {
        Path home;
        try {
            home = Files.createTempDirectory("lwm2m-gateway-mqtt");
            Path conf = Files.createDirectories(home.resolve("conf"));
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), configXml(host, port), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded MQTT broker's folder", e);
        }
        EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(home.resolve("conf"))
                .withDataFolder(home.resolve("data"))
                .withExtensionsFolder(home.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        try {
            broker.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            deleteQuietly(home);
            throw new IllegalStateException("the embedded MQTT broker did not start on " + host + ":" + port
                    + " (" + rootMessage(e) + "); is the port taken? Set gateway.mqtt.embedded.port or "
                    + "gateway.mqtt.host for an external broker", e);
        }
        LOG.infof("embedded MQTT 5 broker listening on %s:%d", host, port);
        return new EmbeddedMqttBroker(broker, home);
    }

    private static String configXml(String host, int port) {
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, host);
    }

    /**
     * Stops the broker, waiting at most {@link #STOP_WAIT_MS}: HiveMQ closes its listener and every client's
     * connection within milliseconds, then spends about 4 s in Netty's and its extension executor's quiet periods
     * (2 s each), which a stopping gateway need not wait out; the rest of the stop finishes in the background.
     */
    @Override
    public void close() {
        try {
            broker.stop().get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.debugf("embedded MQTT broker still winding down after %d ms; not waiting for it", STOP_WAIT_MS);
        } catch (Exception e) {
            LOG.warnf("embedded MQTT broker did not stop cleanly: %s", rootMessage(e));
        } finally {
            deleteQuietly(home);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
