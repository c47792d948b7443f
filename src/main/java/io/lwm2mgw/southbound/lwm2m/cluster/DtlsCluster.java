package io.lwm2mgw.southbound.lwm2m.cluster;

import io.lwm2mgw.config.ClusterConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.DtlsManagedClusterConnector;
import org.eclipse.californium.scandium.config.DtlsClusterConnectorConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.jboss.logging.Logger;

/**
 * One replica of a cluster: Scandium's managed cluster connector for the CoAPS endpoint (records carrying another
 * replica's node id in their Connection ID go there over the internal port, with a MAC from the cluster key), and
 * the membership that tells it where the others are. Built when {@code gateway.cluster.node-id} is set.
 */
public final class DtlsCluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DtlsCluster.class);
    /** The PSK identity of the replicas' own DTLS channel; the key is what authenticates. */
    private static final String IDENTITY = "lwm2m-gateway-cluster";

    private final ClusterConfig config;
    private final int node;
    private final ClusterMembership membership;

    public DtlsCluster(ClusterConfig config) {
        this.config = config;
        this.node = config.nodeId().orElseThrow();
        this.membership = new ClusterMembership(node, ClusterPeers.of(config.peers().orElse(List.of()),
                config.peerHostPattern(), config.port()), config.heartbeatInterval(), System::nanoTime);
    }

    /** The node id this replica writes into its Connection IDs. */
    public int node() {
        return node;
    }

    /** The CoAPS connector; {@code dtls} must have been built with this node id in its Connection IDs. */
    public DTLSConnector connector(DtlsConnectorConfig dtls) {
        DtlsClusterConnectorConfig internal = DtlsClusterConnectorConfig.builder()
                .setAddress(new InetSocketAddress(config.host(), config.port()))
                .setSecure(IDENTITY, key(config))
                .build();
        DtlsManagedClusterConnector connector = new DtlsManagedClusterConnector(dtls, internal);
        connector.setClusterNodesProvider(membership);
        membership.attach(connector.getClusterManagementConnector());
        LOG.infof("cluster: node %d, internal port %s:%d (DTLS, records MAC-protected)", node, config.host(),
                config.port());
        return connector;
    }

    /** The replicas heard from lately. */
    public ClusterMembership membership() {
        return membership;
    }

    /** The cluster key as a secret key (the text's UTF-8 bytes), also for the saved connections. */
    public static SecretKeySpec key(ClusterConfig config) {
        return new SecretKeySpec(config.psk().orElseThrow().getBytes(StandardCharsets.UTF_8), "PSK");
    }

    @Override
    public void close() {
        membership.close();
    }
}
