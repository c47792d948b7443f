package io.lwm2mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code gateway.cluster.*} group: off by default, and every bad key named at once when it is on. */
class ClusterConfigValidationTest {

    private static GatewayConfig bind(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.put("gateway.id", "gw-1");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500))
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }

    @Test
    void without_a_node_id_the_gateway_is_alone_and_saves_its_dtls_connections() {
        GatewayConfig config = bind(Map.of());

        assertThat(config.cluster().nodeId()).isEmpty();
        assertThat(config.cluster().port()).isEqualTo(5884);
        assertThat(config.cluster().peerHostPattern()).isEqualTo("lwm2m-gateway-{node}.lwm2m-gateway-headless");
        assertThat(config.cluster().heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.lwm2m().security().dtls().saveConnections()).isTrue();
        assertThat(config.lwm2m().security().dtls().savedMaxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(ConfigValidation.problems(config)).isEmpty();
    }

    @Test
    void a_replica_with_its_key_and_peers_is_valid() {
        GatewayConfig config = bind(Map.of("gateway.cluster.node-id", "2", "gateway.cluster.psk", "0123456789abcdef",
                "gateway.cluster.peers", "0=10.0.0.1:5884,1=gw-1.example:5884"));

        assertThat(ConfigValidation.problems(config)).isEmpty();
        assertThat(config.cluster().peers().orElseThrow()).containsExactly("0=10.0.0.1:5884", "1=gw-1.example:5884");
    }

    @Test
    void every_bad_cluster_key_is_named_at_once() {
        GatewayConfig config = bind(Map.of("gateway.cluster.node-id", "256", "gateway.cluster.psk", "short",
                "gateway.cluster.port", "70000", "gateway.cluster.peers", "1=a:5884,1=b:5884,x=c:1,3=d",
                "gateway.cluster.peer-host-pattern", "gw.example", "gateway.cluster.heartbeat-interval", "0s",
                "gateway.lwm2m.security.dtls.connection-id-length", "4",
                "gateway.lwm2m.security.dtls.saved-max-age", "0s"));

        assertThat(ConfigValidation.problems(config)).contains(
                "gateway.cluster.node-id: 256 is outside 0..255",
                "gateway.cluster.port: 70000 is outside 0..65535",
                "gateway.cluster.heartbeat-interval: PT0S must be longer than zero",
                "gateway.cluster.peer-host-pattern: 'gw.example' has no {node}",
                "gateway.cluster.peers: node 1 is listed twice",
                "gateway.cluster.peers: 'x=c:1' is not node=host:port (node and port are numbers)",
                "gateway.cluster.peers: '3=d' is not node=host:port",
                "gateway.cluster.psk: required with gateway.cluster.node-id, at least 16 characters (a Secret)",
                "gateway.cluster.node-id: needs gateway.lwm2m.security.dtls.connection-id-length of at least 5 (is 4):"
                        + " the node id is one byte of the Connection ID",
                "gateway.lwm2m.security.dtls.saved-max-age: PT0S must be longer than zero");
    }

    @Test
    void a_replica_needs_coaps_and_must_not_list_itself() {
        GatewayConfig config = bind(Map.of("gateway.cluster.node-id", "1", "gateway.cluster.psk", "0123456789abcdef",
                "gateway.cluster.peers", "1=10.0.0.1:5884", "gateway.lwm2m.security.coaps-enabled", "false"));

        assertThat(ConfigValidation.problems(config)).containsExactly(
                "gateway.cluster.peers: lists this replica's own node id 1",
                "gateway.cluster.node-id: needs gateway.lwm2m.security.coaps-enabled (only DTLS records are forwarded)");
    }
}
