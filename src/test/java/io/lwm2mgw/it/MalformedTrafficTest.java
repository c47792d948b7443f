package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;

/**
 * Malformed CoAP and DTLS datagrams (raw UDP, and libcoap's {@code coap-client-notls} when installed) never
 * crash or stall the gateway: devices registered before the flood keep being served, and a new device can still
 * do a full DTLS handshake and register.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class MalformedTrafficTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path COAP_CLIENT = Path.of("/usr/bin/coap-client-notls");

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.events"};
    }

    @Test
    void a_flood_of_malformed_coap_and_dtls_datagrams_leaves_other_devices_served() throws Exception {
        int coapsPort = lwm2m.secureBoundPort().orElseThrow();
        SecurityProfile.write(SecurityProfile.credentials("1111111111", coapsPort));
        lwm2m.reloadCredentials();
        try (TestDevice plain = givenDevice("calm-plain").registeredAt(port);
                TestDevice secure = givenDevice("psk-dev").withPsk("psk-dev-id",
                        HexFormat.of().parseHex("0102030405060708")).registeredAt(coapsPort)) {

            int sent = flood(port, 3_000, 1) + flood(coapsPort, 3_000, 2);
            assertThat(sent).isEqualTo(6_000);
            if (Files.isExecutable(COAP_CLIENT)) {
                libcoapGarbage(port);
            }

            plain.update();
            secure.update();
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/calm-plain/events/updated").isEmpty()
                    && !mqtt.on("lwm2m/psk-dev/events/updated").isEmpty());
            try (TestDevice late = givenDevice("rpk-dev")
                    .withRpk(SecurityProfile.der("rpk-dev-pub.pem"), SecurityProfile.der("rpk-dev.key"),
                            SecurityProfile.der("server-pub.pem"))
                    .registeredAt(coapsPort)) {
                assertThat(late.registered()).as("a full handshake still works after the flood").isTrue();
            }
            try (RawCoapDevice raw = new RawCoapDevice(port)) {
                assertThat(raw.register("ep=calm-raw&lt=60&lwm2m=1.1&b=U", "</3/0>").getCode())
                        .isEqualTo(ResponseCode.CREATED);
            }
        }
    }

    /** Sends {@code count} malformed datagrams of several shapes; returns how many were sent. */
    private static int flood(int port, int count, long seed) throws IOException {
        Random random = new Random(seed);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int sent = 0;
        try (DatagramSocket socket = new DatagramSocket(0, loopback)) {
            for (int i = 0; i < count; i++) {
                byte[] datagram = shape(i % 8, random);
                socket.send(new DatagramPacket(datagram, datagram.length, loopback, port));
                sent++;
            }
        }
        return sent;
    }

    private static byte[] shape(int kind, Random random) {
        byte[] bytes;
        switch (kind) {
            case 0: // random bytes of random length, up to a jumbo datagram
                bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 9000 : 64)];
                random.nextBytes(bytes);
                return bytes;
            case 1: // CoAP header claiming a token longer than the datagram
                return new byte[] {0x48, 0x02, (byte) random.nextInt(256), (byte) random.nextInt(256), 1};
            case 2: // CoAP POST /rd with an option delta/length of the reserved value 15
                return new byte[] {0x40, 0x02, 0x12, 0x34, (byte) 0xbf, (byte) 0xff, 'r', 'd'};
            case 3: // CoAP version 2, or a reset with a payload
                return new byte[] {(byte) 0x80 | 0x30, 0x00, 0x00, 0x01, (byte) 0xff, 'x'};
            case 4: // DTLS handshake record, version 1.2, length larger than the datagram
                return new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, (byte) 0xff, 1, 0};
            case 5: // DTLS ClientHello fragment with a fragment offset beyond its length
                return new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 0, 0, 40, 0,
                        0, 0, 0, 0x7f, 0, 0, 12};
            case 6: // application data for a connection that does not exist, and a CID record
                bytes = new byte[20 + random.nextInt(40)];
                random.nextBytes(bytes);
                bytes[0] = (byte) (random.nextBoolean() ? 23 : 25);
                bytes[1] = (byte) 0xfe;
                bytes[2] = (byte) 0xfd;
                return bytes;
            default: // a valid CoAP header followed by garbage options
                bytes = new byte[4 + random.nextInt(30)];
                random.nextBytes(bytes);
                bytes[0] = 0x40;
                bytes[1] = 0x02;
                return bytes;
        }
    }

    /** libcoap's client with requests no well-behaved device sends; each run ends on its own. */
    private static void libcoapGarbage(int port) throws Exception {
        String base = "coap://127.0.0.1:" + port;
        List<List<String>> runs = List.of(
                List.of("-m", "post", "-e", "<<<>>>;;;", base + "/rd?ep=junk-1&lt=abc"),
                List.of("-m", "post", "-e", "</3/0>", base + "/rd?lt=60"),
                List.of("-m", "post", "-e", "</3/0>", base + "/rd?ep=junk-2&lwm2m=9.9.9&b=XYZ"),
                List.of("-m", "put", "-e", "\u00ff\u00fe", base + "/rd/does-not-exist"),
                List.of("-m", "delete", base + "/rd"),
                List.of("-m", "get", "-O", "65000,\u00ff\u00ff", base + "/bs?ep="));
        for (List<String> args : runs) {
            List<String> command = new ArrayList<>(List.of(COAP_CLIENT.toString(), "-B", "3"));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("coap-client %s ends", args).isTrue();
        }
    }
}
