package io.lwm2mgw.it;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The real brokers of the flow tests, in process and on loopback: one Kafka (KRaft) and one MQTT 5 broker
 * (HiveMQ CE) per JVM, started on first use. Quarkus loads test classes in more than one class loader, so the
 * "once per JVM" guard and the addresses live in system properties, not in static fields. Outages are made
 * with {@link TcpProxy}, so the brokers themselves never stop before the JVM does.
 */
public final class TestBrokers {

    private static final String MQTT_PORT = "test.mqtt.port";
    private static final String KAFKA_BOOTSTRAP = "test.kafka.bootstrap";
    private static final String MQTT_TLS_PORT = "test.mqtt.tls.port";

    private TestBrokers() {
    }

    /**
     * The number of this test JVM among those Surefire and Failsafe run side by side: files that a whole JVM
     * shares, such as the security tests' credentials, live in a folder of its own. The pom passes the fork
     * number; where it arrives blank (it did under Surefire 3.5 with Quarkus), the process id keeps JVMs apart.
     */
    public static String fork() {
        String fork = System.getProperty("test.fork", "").strip();
        return fork.isEmpty() || fork.startsWith("${") ? "pid" + ProcessHandle.current().pid() : fork;
    }

    /** The port of the shared MQTT 5 broker on 127.0.0.1, started on first call. */
    public static int mqttPort() {
        Properties jvmWide = System.getProperties();
        synchronized (jvmWideLock()) {
            String port = jvmWide.getProperty(MQTT_PORT);
            if (port == null && startedBySystemLoader("mqttPort")) {
                port = jvmWide.getProperty(MQTT_PORT);
            }
            if (port == null) {
                int tlsPort = freePort();
                port = String.valueOf(inOwnClassLoader(() -> startMqtt(freePort(), tlsPort)));
                jvmWide.setProperty(MQTT_TLS_PORT, String.valueOf(tlsPort));
                jvmWide.setProperty(MQTT_PORT, port);
            }
            return Integer.parseInt(port);
        }
    }

    /**
     * The TLS port of the shared MQTT broker ({@link TestKeyStores#serverKeyStore()}, client certificates from
     * the test CA required), started on first call.
     */
    public static int mqttTlsPort() {
        mqttPort();
        return Integer.parseInt(System.getProperty(MQTT_TLS_PORT));
    }

    /** A producer of string records to the shared Kafka broker, as an application sending commands uses one. */
    public static org.apache.kafka.clients.producer.KafkaProducer<String, String> kafkaProducer() {
        return new org.apache.kafka.clients.producer.KafkaProducer<>(java.util.Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap(),
                org.apache.kafka.clients.producer.ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                org.apache.kafka.clients.producer.ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringSerializer.class.getName()));
    }

    /** The bootstrap address of the shared Kafka broker, started on first call. */
    public static String kafkaBootstrap() {
        Properties jvmWide = System.getProperties();
        synchronized (jvmWideLock()) {
            String bootstrap = jvmWide.getProperty(KAFKA_BOOTSTRAP);
            if (bootstrap == null && startedBySystemLoader("kafkaBootstrap")) {
                bootstrap = jvmWide.getProperty(KAFKA_BOOTSTRAP);
            }
            if (bootstrap == null) {
                EmbeddedKafkaBroker kafka = inOwnClassLoader(() -> new EmbeddedKafkaBroker()
                        .withNodeId(0)
                        .withKafkaPort(freePort())
                        .withControllerPort(freePort())
                        .withDeleteLogDirsOnClose(true)
                        .withAdditionalProperties(p -> {
                            p.setProperty("num.partitions", "3");
                            p.setProperty("group.initial.rebalance.delay.ms", "0");
                        })
                        .start());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopWithin("Kafka", kafka::close)));
                bootstrap = kafka.getAdvertisedListeners().replace("PLAINTEXT://", "");
                jvmWide.setProperty(KAFKA_BOOTSTRAP, bootstrap);
            }
            return bootstrap;
        }
    }

    /**
     * Whether the system class loader's copy of this class started the broker of {@code method}, as it does when
     * this copy lives in another class loader. A broker started from a Quarkus test's class loader loads its
     * classes from it and breaks once that application stops and its loader closes (a TLS listener that had not
     * served a handshake yet refused every one after), while the broker lives on for the ITs that the same
     * Failsafe JVM runs next.
     */
    private static boolean startedBySystemLoader(String method) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (TestBrokers.class.getClassLoader() == system) {
            return false;
        }
        try {
            Class.forName(TestBrokers.class.getName(), true, system).getMethod(method).invoke(null);
            return true;
        } catch (ClassNotFoundException notOnTheClassPath) {
            return false;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the system class loader could not start the test broker", e);
        }
    }

    /** Runs a broker's start with this class's loader as context loader, which its threads inherit. */
    private static <T> T inOwnClassLoader(java.util.function.Supplier<T> start) {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(TestBrokers.class.getClassLoader());
        try {
            return start.get();
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    /**
     * One lock object for the whole JVM whatever the class loader. Not the Properties object itself: the
     * brokers read system properties on their own threads while starting, which would deadlock.
     */
    private static Object jvmWideLock() {
        return System.getProperties().computeIfAbsent("test.brokers.lock", k -> new Object());
    }

    /**
     * A free TCP port chosen once per JVM under {@code key}, so a test profile and its test agree on it. Such a port
     * is bound later, often many seconds later (a broker a test starts halfway), so it comes from below the
     * kernel's ephemeral range like {@link #freeUdpPort()}: a port from that range may be taken meanwhile by any
     * outgoing connection of the JVMs and gateways running beside this test.
     */
    public static int sharedFreePort(String key) {
        return Integer.parseInt(System.getProperties().computeIfAbsent(key, k -> String.valueOf(freeUdpPort()))
                .toString());
    }

    /**
     * A UDP port free now for CoAP, chosen once per test JVM under {@code key} like {@link #sharedFreePort}, below
     * the kernel's ephemeral range: a port from that range (what {@link #freePort()} gives) may be taken, between
     * two starts of a gateway on it, by any UDP socket bound to port 0, such as a test device's.
     */
    public static int sharedFreeUdpPort(String key) {
        return Integer.parseInt(System.getProperties().computeIfAbsent(key, k -> String.valueOf(freeUdpPort()))
                .toString());
    }

    private static final java.util.Set<Integer> UDP_PORTS_GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A UDP (and TCP) port free now, below the kernel's ephemeral range: see {@link #sharedFreeUdpPort}. */
    public static int freeUdpPort() {
        int ephemeralFrom = 32768;
        try {
            // line by line: Files.readString reads only the first byte of this size-0 /proc file
            ephemeralFrom = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            // Linux's default range
        }
        int below = ephemeralFrom > 11_000 ? ephemeralFrom : 32768;
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 200; tries++) {
            int port = 10_000 + random.nextInt(below - 10_000);
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(port);
                    ServerSocket tcp = new ServerSocket(port)) {
                if (!UDP_PORTS_GIVEN.add(port)) {
                    continue; // given to another gateway of this JVM already, not started yet
                }
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IllegalStateException("no free UDP port below " + ephemeralFrom);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int startMqtt(int port, int tlsPort) {
        try {
            Path home = Files.createTempDirectory("test-mqtt");
            Path conf = Files.createDirectories(home.resolve("conf"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                        <tls-tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address>
                          <tls>
                            <keystore><path>%s</path><password>%s</password>
                              <private-key-password>%s</private-key-password></keystore>
                            <truststore><path>%s</path><password>%s</password></truststore>
                            <client-authentication-mode>REQUIRED</client-authentication-mode>
                          </tls>
                        </tls-tcp-listener></listeners>
                      <persistence><mode>in-memory</mode></persistence>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port, tlsPort, TestKeyStores.serverKeyStore(), TestKeyStores.PASSWORD,
                    TestKeyStores.PASSWORD, TestKeyStores.trustStore(), TestKeyStores.PASSWORD));
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(Files.createDirectories(home.resolve("data")))
                    .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                    .withoutLoggingBootstrap()
                    .build();
            hivemq.start().get(60, TimeUnit.SECONDS);
            // not stopped when the JVM exits: it keeps everything in memory, and its graceful stop held the end of
            // every test JVM for 4 to 10 s
            return port;
        } catch (Exception e) {
            throw new IllegalStateException("test MQTT broker did not start on " + port, e);
        }
    }

    /**
     * Stops a test broker when the JVM exits, waiting at most 10 s: a broker still busy with clients of the last
     * test must not hold the test JVM (Surefire kills a fork that has not exited 30 s after the tests).
     */
    private static void stopWithin(String broker, Runnable stop) {
        Thread stopping = new Thread(stop, "stop-test-" + broker);
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            System.err.println("test " + broker + " broker did not stop within 10 s; the test JVM exits anyway");
        }
    }
}
