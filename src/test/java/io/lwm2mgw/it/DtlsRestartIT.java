package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A graceful restart costs a DTLS device no handshake: the packaged gateway (a cluster replica, so its connector is
 * Scandium's cluster connector and the saved file is encrypted with the cluster key) is stopped with SIGTERM while a
 * Leshan PSK device with a Connection ID is registered, and started again on the same folders and ports. The
 * device's next Update and a command to it go through on the session of the first life: the second life began no
 * handshake and the device did not register again.
 */
class DtlsRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    @Test
    void a_psk_device_keeps_its_session_across_a_graceful_restart() throws Exception {
        String endpoint = "dtls-restart-" + Long.toHexString(System.nanoTime());
        Path credentials = Files.createTempFile("dtls-restart", ".json");
        Files.writeString(credentials, "{\"devices\": [{\"endpoint\": \"" + endpoint + "\", \"psk\": {\"identity\": \""
                + endpoint + "\", \"key\": \"" + HexFormat.of().formatHex(KEY) + "\"}}]}");
        int coaps = TestBrokers.freePort();
        try (RestartableGateway gateway = new RestartableGateway("gw-dtls-restart", TestBrokers.mqttPort(),
                "-Dgateway.lwm2m.security.coaps-port=" + coaps,
                "-Dgateway.lwm2m.security.credentials-file=" + credentials,
                "-Dgateway.cluster.node-id=7", "-Dgateway.cluster.psk=restart-cluster-key-0123456789",
                "-Dgateway.cluster.host=127.0.0.1", "-Dgateway.cluster.port=" + TestBrokers.freePort());
                MqttProbe mqtt = gateway.probe()) {
            gateway.start();
            String registered = gateway.root() + "/" + endpoint + "/events/registered";
            String reads = gateway.root() + "/" + endpoint + "/results/read";
            try (TestDevice device = givenDevice(endpoint).withPsk(endpoint, KEY).withLifetime(Duration.ofMinutes(10))
                    .registeredAt(coaps)) {
                await().atMost(WAIT).until(() -> !mqtt.on(registered).isEmpty());
                assertThat(GatewayMetrics.value(gateway.httpPort(), "lwm2m_dtls_handshakes_started_total"))
                        .isEqualTo(1.0);

                gateway.stop();
                Path saved = Path.of(gateway.output().lines().filter(l -> l.contains("saved 1 DTLS connections to "))
                        .findFirst().orElseThrow(() -> new AssertionError(gateway.allOutput()))
                        .replaceAll(".*saved 1 DTLS connections to (\\S+) \\(encrypted\\).*", "$1"));
                assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(Files.readString(saved, StandardCharsets.ISO_8859_1)).doesNotContain(endpoint);

                gateway.start();
                assertThat(gateway.output()).contains("loaded 1 DTLS connections saved");
                assertThat(saved).as("a saved session is used once").doesNotExist();
                String updated = gateway.root() + "/" + endpoint + "/events/updated";
                int updatesBefore = mqtt.on(updated).size();
                device.update();
                await().atMost(WAIT).untilAsserted(() -> assertThat(mqtt.on(updated)).as(gateway.allOutput())
                        .hasSizeGreaterThan(updatesBefore));
                gateway.command(endpoint, "read", "{\"id\":\"after-restart\",\"path\":\"/3/0/0\"}");
                await().atMost(WAIT).until(() -> !mqtt.on(reads).isEmpty());
                assertThat(mqtt.on(reads).get(0).json().path("status").asText()).as(gateway.allOutput())
                        .isEqualTo("success");
                assertThat(GatewayMetrics.value(gateway.httpPort(), "lwm2m_dtls_handshakes_started_total"))
                        .as("no handshake in the second life").isZero();
                assertThat(mqtt.on(registered)).as("the device did not register again").hasSize(1);
            }
        } finally {
            Files.deleteIfExists(credentials);
        }
    }
}
