package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged gateways as cluster replicas (node ids 0 and 1, each with its own CoAPS and cluster port) behind
 * nginx's UDP balancer. A Leshan PSK device with a Connection ID handshakes with one of them, the owner; then its
 * NAT gives it a new source port until the balancer sends its datagrams to the other replica. Its Update and a
 * command to it still succeed: the other replica forwards its records to the owner and the owner's records go back
 * through it, counted on both sides, and the device never handshakes again.
 */
@Tag("replicas")
class ClusterForwardingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final String PSK = "forwarding-cluster-key-0123456789";

    @TempDir
    Path folder;

    @Test
    void a_device_that_lands_on_another_replica_is_served_by_its_owner_through_it() throws Exception {
        assumeTrue(NginxUdpBalancer.available(), "nginx with libnginx-mod-stream is not installed");
        String endpoint = "forwarded-" + Long.toHexString(System.nanoTime());
        Path credentials = folder.resolve("credentials.json");
        Files.writeString(credentials, "{\"devices\": [{\"endpoint\": \"" + endpoint + "\", \"psk\": {\"identity\": \""
                + endpoint + "\", \"key\": \"" + HexFormat.of().formatHex(KEY) + "\"}}]}");
        int[] coaps = {TestBrokers.freePort(), TestBrokers.freePort()};
        int[] cluster = {TestBrokers.freePort(), TestBrokers.freePort()};
        try (RestartableGateway zero = replica(0, coaps, cluster, credentials);
                RestartableGateway one = replica(1, coaps, cluster, credentials);
                NginxUdpBalancer balancer = NginxUdpBalancer.start(folder.resolve("nginx"),
                        Map.of("coaps", List.of(coaps[0], coaps[1])));
                UdpProxy nat = new UdpProxy(balancer.port("coaps"))) {
            zero.start();
            one.start();
            RestartableGateway[] replicas = {zero, one};
            await().atMost(WAIT).until(() -> zero.output().contains("cluster: replica 1 answers")
                    && one.output().contains("cluster: replica 0 answers"));

            try (TestDevice device = givenDevice(endpoint).withPsk(endpoint, KEY).withLifetime(Duration.ofMinutes(10))
                    .registeredAt(nat.port())) {
                int owner = handshakes(zero) == 1 ? 0 : 1;
                RestartableGateway home = replicas[owner];
                RestartableGateway other = replicas[1 - owner];
                assertThat(handshakes(home)).isEqualTo(1);
                assertThat(handshakes(other)).isZero();
                int handshakeRecords = nat.handshakeRecordsFromDevice();

                try (MqttProbe mqtt = home.probe()) {
                    String updated = home.root() + "/" + endpoint + "/events/updated";
                    // a new source port is a new hash for the balancer: sooner or later the other replica
                    for (int moves = 0; records(other, "forwarded-out") == 0; moves++) {
                        assertThat(moves).as("the balancer never chose the other replica").isLessThan(20);
                        nat.changeSourcePort();
                        int before = mqtt.on(updated).size();
                        device.update();
                        await().atMost(WAIT).untilAsserted(() -> assertThat(mqtt.on(updated))
                                .as(home.output() + other.output()).hasSizeGreaterThan(before));
                    }
                    assertThat(records(home, "forwarded-in")).isPositive();
                    assertThat(records(home, "backwarded-out")).as("the owner answered through the other").isPositive();
                    assertThat(records(other, "backwarded-in")).isPositive();

                    long forwarded = records(other, "forwarded-out");
                    home.command(endpoint, "read", "{\"id\":\"via-other\",\"path\":\"/3/0/0\"}");
                    String reads = home.root() + "/" + endpoint + "/results/read";
                    await().atMost(WAIT).until(() -> !mqtt.on(reads).isEmpty());
                    assertThat(mqtt.on(reads).get(0).json().path("status").asText()).as(home.output() + other.output())
                            .isEqualTo("success");
                    assertThat(records(other, "forwarded-out")).as("the device's answer went through the other")
                            .isGreaterThan(forwarded);
                }
                assertThat(nat.handshakeRecordsFromDevice()).as("no new handshake").isEqualTo(handshakeRecords);
                assertThat(handshakes(home) + handshakes(other)).isEqualTo(1);
                assertThat(records(home, "refused") + records(other, "refused")).as("no MAC failures").isZero();
            }
        }
    }

    private static RestartableGateway replica(int node, int[] coaps, int[] cluster, Path credentials) {
        return new RestartableGateway("gw-cluster-" + node, TestBrokers.mqttPort(),
                "-Dgateway.lwm2m.security.coaps-port=" + coaps[node],
                "-Dgateway.lwm2m.security.credentials-file=" + credentials,
                // every datagram reaches a replica from nginx's address
                "-Dgateway.lwm2m.limits.registrations-per-address=100000",
                "-Dgateway.cluster.node-id=" + node, "-Dgateway.cluster.psk=" + PSK,
                "-Dgateway.cluster.host=127.0.0.1", "-Dgateway.cluster.port=" + cluster[node],
                "-Dgateway.cluster.peers=" + (1 - node) + "=127.0.0.1:" + cluster[1 - node],
                "-Dgateway.cluster.heartbeat-interval=500ms");
    }

    private static long handshakes(RestartableGateway gateway) throws Exception {
        return (long) GatewayMetrics.value(gateway.httpPort(), "lwm2m_dtls_handshakes_started_total");
    }

    private static long records(RestartableGateway gateway, String direction) throws Exception {
        return (long) GatewayMetrics.value(gateway.httpPort(),
                "lwm2m_dtls_cluster_records_total{direction=\"" + direction + "\"}");
    }
}
