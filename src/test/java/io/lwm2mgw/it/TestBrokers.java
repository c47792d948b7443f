package io.lwm2mgw.it;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real brokers of the flow tests, in process and on loopback: one Kafka (KRaft) and one MQTT 5 broker
 * (HiveMQ CE) per JVM, started on first use. The MQTT broker can be stopped and started again on the same
 * port to test outages.
 */
public final class TestBrokers {

    private static EmbeddedKafkaBroker kafka;
    private static MqttBroker mqtt;

    private TestBrokers() {
    }

    public static synchronized String kafkaBootstrap() {
        if (kafka == null) {
            kafka = new EmbeddedKafkaBroker()
                    .withNodeId(0)
                    .withKafkaPort(freePort())
                    .withControllerPort(freePort())
                    .withDeleteLogDirsOnClose(true)
                    .withAdditionalProperties(p -> {
                        p.setProperty("num.partitions", "3");
                        p.setProperty("group.initial.rebalance.delay.ms", "0");
                    })
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        }
        return kafka.getAdvertisedListeners().replace("PLAINTEXT://", "");
    }

    /** The shared MQTT broker, started. */
    public static synchronized MqttBroker mqtt() {
        if (mqtt == null) {
            mqtt = new MqttBroker(freePort());
            mqtt.start();
            Runtime.getRuntime().addShutdownHook(new Thread(mqtt::stop));
        }
        return mqtt;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An MQTT 5 broker on a fixed loopback port that survives stop/start cycles. */
    public static final class MqttBroker {
        private final int port;
        private EmbeddedHiveMQ hivemq;

        public MqttBroker(int port) {
            this.port = port;
        }

        public int port() {
            return port;
        }

        public synchronized void start() {
            if (hivemq != null) {
                return;
            }
            try {
                Path home = Files.createTempDirectory("test-mqtt");
                Path conf = Files.createDirectories(home.resolve("conf"));
                Files.writeString(conf.resolve("config.xml"), """
                        <?xml version="1.0"?>
                        <hivemq>
                          <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                          <persistence><mode>in-memory</mode></persistence>
                          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                        </hivemq>
                        """.formatted(port));
                hivemq = EmbeddedHiveMQ.builder()
                        .withConfigurationFolder(conf)
                        .withDataFolder(Files.createDirectories(home.resolve("data")))
                        .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                        .withoutLoggingBootstrap()
                        .build();
                hivemq.start().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("test MQTT broker did not start on " + port, e);
            }
        }

        public synchronized void stop() {
            if (hivemq == null) {
                return;
            }
            try {
                hivemq.stop().get(30, TimeUnit.SECONDS);
                hivemq.close();
            } catch (Exception e) {
                throw new IllegalStateException("test MQTT broker did not stop", e);
            } finally {
                hivemq = null;
            }
        }
    }
}
