package io.lwm2mgw.southbound.lwm2m.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPeersTest {

    @Test
    void a_listed_replica_is_reached_at_its_address_and_the_others_through_the_pattern() {
        ClusterPeers peers = ClusterPeers.of(List.of("1=127.0.0.1:15884", " 2 = 127.0.0.2:25884"), "{node}.invalid",
                5884);

        assertThat(peers.listed()).containsExactlyInAnyOrder(1, 2);
        assertThat(peers.resolve(1)).contains(new InetSocketAddress("127.0.0.1", 15884));
        assertThat(peers.resolve(2)).contains(new InetSocketAddress("127.0.0.2", 25884));
        // .invalid never resolves (RFC 6761): no address rather than an unresolved one
        assertThat(peers.resolve(7)).isEmpty();
    }

    @Test
    void the_pattern_names_the_node_and_uses_the_cluster_port() {
        ClusterPeers peers = ClusterPeers.of(List.of(), "localhost", 5884);

        assertThat(peers.listed()).isEmpty();
        assertThat(peers.resolve(3)).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(5884));
    }

    @Test
    void entries_that_are_not_node_host_port_are_explained() {
        assertThat(ClusterPeers.problem("1=gw-1:5884")).isEmpty();
        assertThat(ClusterPeers.problem("[::1]")).contains("'[::1]' is not node=host:port");
        assertThat(ClusterPeers.problem("300=a:1")).contains("'300=a:1': node 300 is outside 0..255");
        assertThat(ClusterPeers.problem("3=a:0")).contains("'3=a:0': port 0 is outside 1..65535");
    }
}
