package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.command.DeviceLanes;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceRegistered;
import io.lwm2mgw.events.DeviceEventBus;
import io.lwm2mgw.events.DeviceEventListener;
import io.lwm2mgw.it.TestDevice;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The gateway's CoAPS port under attack, over real UDP against the gateway's own southbound (Leshan,
 * Californium and Scandium as {@link Lwm2mEndpoint} builds them, with a PSK credentials file): random and
 * truncated records, mutated and replayed ClientHellos, records of epochs that do not exist, and a
 * handshake flood from many source ports. After every try the DTLS port still answers a ClientHello; after
 * the floods a plain and a PSK device register, and the refusals show in {@link RefusalCounters}. Short run in
 * the suite; long run: {@code ./mvnw -B -ntp test -Dtest=DtlsFuzzTest -Djqwik.tries=20000}.
 */
class DtlsFuzzTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();
    private static Lwm2mEndpoint gateway;
    private static int coapPort;
    private static int coapsPort;

    @BeforeContainer
    static void start() throws IOException {
        Path folder = Files.createTempDirectory("dtls-fuzz");
        Path credentials = folder.resolve("credentials.json");
        Files.writeString(credentials, "{\"devices\": [{\"endpoint\": \"psk-dev\", \"psk\": {\"identity\": "
                + "\"psk-dev-id\", \"key\": \"0102030405060708\"}}]}");
        GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of(
                        "gateway.id", "gw-dtls-fuzz",
                        "gateway.lwm2m.host", "127.0.0.1",
                        "gateway.lwm2m.port", "0",
                        "gateway.lwm2m.security.coaps-port", "0",
                        "gateway.lwm2m.security.credentials-file", credentials.toString(),
                        "gateway.lwm2m.state-directory", folder.resolve("registrations").toString(),
                        "gateway.lwm2m.coap.udp-receive-buffer", "1048576",
                        "gateway.lwm2m.coap.udp-send-buffer", "1048576"), "dtls-fuzz", 500))
                .build().getConfigMapping(GatewayConfig.class);
        DeviceEventListener registered = new DeviceEventListener() {
            @Override
            public void onEvent(DeviceEvent event) {
                if (event instanceof DeviceRegistered r) {
                    REGISTERED.add(r.endpoint().value());
                }
            }
        };
        gateway = new Lwm2mEndpoint(config, DeviceEventBus.of(List.of(registered)), new DeviceLanes(),
                new StoreHealth(), java.time.Clock.systemUTC(), new FileRegistrationSnapshots(folder.resolve("registrations")),
                new io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentialsFile(folder.resolve("credentials")));
        gateway.start();
        coapPort = gateway.boundPort().orElseThrow();
        coapsPort = gateway.secureBoundPort().orElseThrow();
    }

    @AfterContainer
    static void stop() {
        gateway.stop();
    }

    @Property
    void hostile_records_are_dropped_and_the_port_keeps_answering_handshakes(@ForAll("hostile") List<byte[]> flight)
            throws IOException {
        try (DatagramSocket attacker = new DatagramSocket(0, LOOPBACK)) {
            for (byte[] datagram : flight) {
                attacker.send(new DatagramPacket(datagram, datagram.length, LOOPBACK, coapsPort));
            }
        }
        assertThat(answersClientHello()).as("the DTLS port still answers a ClientHello").isTrue();
    }

    @Example
    void after_a_handshake_flood_from_many_ports_plain_and_secure_devices_still_register() throws Exception {
        long failedBefore = gateway.refusals().handshakesRefused();
        long droppedBefore = gateway.refusals().recordsDropped();
        long startedBefore = gateway.refusals().handshakesStarted();
        List<DatagramSocket> flood = new ArrayList<>();
        try {
            Random random = new Random(16);
            List<byte[]> randoms = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                DatagramSocket socket = new DatagramSocket(0, LOOPBACK);
                socket.setSoTimeout(500);
                flood.add(socket);
                randoms.add(randomBytes(random, 32));
                byte[] hello = clientHello(randoms.get(i), new byte[0]);
                socket.send(new DatagramPacket(hello, hello.length, LOOPBACK, coapsPort));
            }
            for (int i = 0; i < flood.size(); i++) {
                DatagramSocket socket = flood.get(i);
                // each source answers the cookie: the server starts a handshake it never sees finished,
                // and the same ClientHello is replayed
                byte[] cookie = cookie(socket);
                if (cookie.length > 0) {
                    byte[] hello = clientHello(randoms.get(i), cookie);
                    for (int replay = 0; replay < 3; replay++) {
                        socket.send(new DatagramPacket(hello, hello.length, LOOPBACK, coapsPort));
                    }
                }
                byte[] wrongEpoch = record(23, 7, new byte[40]);
                socket.send(new DatagramPacket(wrongEpoch, wrongEpoch.length, LOOPBACK, coapsPort));
            }
            for (int i = 0; i < 3; i++) {
                try (TestDevice impostor = TestDevice.givenDevice("psk-dev").withPsk("nobody-" + i,
                        HexFormat.of().parseHex("0a0b0c0d")).startedAt(coapsPort)) {
                    long failed = gateway.refusals().handshakesRefused();
                    await().atMost(Duration.ofSeconds(15)).until(() -> gateway.refusals().handshakesRefused() > failed);
                }
            }

            try (TestDevice plain = TestDevice.givenDevice("plain-after-flood").registeredAt(coapPort);
                    TestDevice secure = TestDevice.givenDevice("psk-dev").withPsk("psk-dev-id",
                            HexFormat.of().parseHex("0102030405060708")).registeredAt(coapsPort)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> REGISTERED.containsAll(
                        List.of("plain-after-flood", "psk-dev")));
            }
            assertThat(gateway.refusals().handshakesRefused()).as("refused handshakes are counted")
                    .isGreaterThan(failedBefore);
            assertThat(gateway.refusals().handshakesStarted()).as("the flood's 300 half-open handshakes")
                    .isGreaterThanOrEqualTo(startedBefore + 300);
            assertThat(gateway.refusals().recordsDropped()).as("records of unknown epochs are counted")
                    .isGreaterThan(droppedBefore);
            System.out.printf("DTLS flood: handshakes started %d, refused %d, failed %d, records dropped %d, MAC errors"
                    + " %d%n", gateway.refusals().handshakesStarted(), gateway.refusals().handshakesRefused(),
                    gateway.refusals().handshakesFailed(),
                    gateway.refusals().recordsDropped(), gateway.refusals().macErrors());
        } finally {
            flood.forEach(DatagramSocket::close);
        }
    }

    /** Random datagrams, truncated and mutated ClientHellos, records of wrong epochs, several per datagram. */
    @Provide
    Arbitrary<List<byte[]>> hostile() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(1, 120).map(cut -> {
            byte[] hello = clientHello(new Random(cut), new byte[0]);
            return Arrays.copyOf(hello, Math.min(cut, hello.length - 1));
        });
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.longs(),
                Arbitraries.integers().between(0, 200).list().ofMinSize(1).ofMaxSize(5)).as((seed, positions) -> {
                    Random r = new Random(seed);
                    byte[] hello = clientHello(r, r.nextBoolean() ? new byte[0] : randomBytes(r, 32));
                    for (int p : positions) {
                        hello[p % hello.length] = (byte) r.nextInt(256);
                    }
                    return hello;
                });
        Arbitrary<byte[]> wrongEpoch = Combinators.combine(Arbitraries.of(20, 21, 22, 23, 25),
                Arbitraries.integers().between(1, 65535), Arbitraries.bytes().array(byte[].class).ofMaxSize(120))
                .as(DtlsFuzzTest::record);
        Arbitrary<byte[]> lyingLength = Arbitraries.integers().between(0, 65535).map(length -> {
            byte[] hello = clientHello(new Random(length), new byte[0]);
            hello[11] = (byte) (length.intValue() >> 8);
            hello[12] = (byte) length.intValue();
            return hello;
        });
        Arbitrary<byte[]> one = Arbitraries.oneOf(random, truncated, mutated, wrongEpoch, lyingLength);
        Arbitrary<byte[]> several = one.list().ofMinSize(2).ofMaxSize(4).map(DtlsFuzzTest::concat);
        return Arbitraries.oneOf(one, several).list().ofMinSize(1).ofMaxSize(4);
    }

    /** Sends a well-formed ClientHello from a fresh port: true when the server answers with a DTLS record. */
    private static boolean answersClientHello() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            probe.setSoTimeout(2000);
            byte[] hello = clientHello(new Random(), new byte[0]);
            probe.send(new DatagramPacket(hello, hello.length, LOOPBACK, coapsPort));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            probe.receive(answer);
            return answer.getLength() > 13 && (answer.getData()[0] == 22 || answer.getData()[0] == 21);
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The cookie of the HelloVerifyRequest this socket received; empty when it got something else. */
    private static byte[] cookie(DatagramSocket socket) throws IOException {
        DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
        try {
            socket.receive(answer);
        } catch (SocketTimeoutException e) {
            return new byte[0];
        }
        byte[] data = answer.getData();
        // record header 13, handshake header 12, server_version 2, then the cookie's length and bytes
        if (answer.getLength() < 28 || data[0] != 22 || data[13] != 3) {
            return new byte[0];
        }
        int length = data[27] & 0xff;
        return Arrays.copyOfRange(data, 28, Math.min(28 + length, answer.getLength()));
    }

    /** A DTLS 1.2 ClientHello in one record with a fresh client random and no cookie. */
    static byte[] clientHello(Random random, byte[] cookie) {
        return clientHello(randomBytes(random, 32), cookie);
    }

    /**
     * A DTLS 1.2 ClientHello in one record: PSK and ECDHE-PSK suites, {@code cookie} (may be empty). The
     * second ClientHello of a handshake repeats the first one's {@code clientRandom} with the server's cookie.
     */
    static byte[] clientHello(byte[] clientRandom, byte[] cookie) {
        ByteBuffer body = ByteBuffer.allocate(2 + 32 + 1 + 1 + cookie.length + 2 + 6 + 2);
        body.put((byte) 0xfe).put((byte) 0xfd).put(clientRandom).put((byte) 0);
        body.put((byte) cookie.length).put(cookie);
        body.putShort((short) 6).putShort((short) 0xC0A8).putShort((short) 0xC0A4).putShort((short) 0xC037);
        body.put((byte) 1).put((byte) 0);
        byte[] hello = Arrays.copyOf(body.array(), body.position());
        ByteBuffer handshake = ByteBuffer.allocate(12 + hello.length);
        handshake.put((byte) 1).put(uint24(hello.length)).putShort((short) (cookie.length > 0 ? 1 : 0))
                .put(uint24(0)).put(uint24(hello.length)).put(hello);
        return record(22, 0, handshake.array());
    }

    /** One DTLS 1.2 record of {@code type} in {@code epoch}, sequence number 1. */
    static byte[] record(int type, int epoch, byte[] fragment) {
        ByteBuffer record = ByteBuffer.allocate(13 + fragment.length);
        record.put((byte) type).put((byte) 0xfe).put((byte) 0xfd).putShort((short) epoch)
                .put(new byte[] {0, 0, 0, 0, 0, 1}).putShort((short) fragment.length).put(fragment);
        return record.array();
    }

    private static byte[] uint24(int value) {
        return new byte[] {(byte) (value >> 16), (byte) (value >> 8), (byte) value};
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteBuffer all = ByteBuffer.allocate(parts.stream().mapToInt(p -> p.length).sum());
        parts.forEach(all::put);
        return all.array();
    }
}
