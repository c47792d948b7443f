package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Several gateway replicas behind one UDP load balancer ({@code gateway.cluster.*}): each replica writes its node
 * id into the DTLS Connection IDs it issues, and a DTLS record that reaches another replica is forwarded over the
 * internal cluster port to the replica holding the session (Scandium's managed cluster connector). Without a node
 * id the gateway runs alone, as it always did.
 */
public interface ClusterConfig {

    /**
     * This replica's node id, 0 to 255 (the StatefulSet ordinal on Kubernetes), written into the first byte of every
     * DTLS Connection ID it issues; needs {@code gateway.lwm2m.security.dtls.connection-id-length} of at least 5.
     * Stable across restarts: saved DTLS connections are only loaded again under the same id. Absent (default): no
     * cluster, no forwarding.
     */
    OptionalInt nodeId();

    /**
     * Address the internal cluster port binds to: forwarded DTLS records and the replicas' own DTLS channel.
     * Default {@code 0.0.0.0}.
     */
    @WithDefault("0.0.0.0")
    String host();

    /** UDP port of the internal cluster channel; every replica uses the same one on Kubernetes. Default 5884. */
    @WithDefault("5884")
    int port();

    /**
     * Pre-shared key of the replicas' DTLS channel (at least 16 characters, used as text; from a Secret). Records
     * forwarded between replicas carry a MAC derived from it, so nobody who reaches the cluster port can inject
     * records with a forged source; it also encrypts the saved DTLS connections. Required with a node id.
     */
    Optional<String> psk();

    /**
     * Replicas reached at a fixed address, {@code node=host:port} each (comma-separated), e.g.
     * {@code 1=10.0.0.2:5884,2=10.0.0.3:5884}; tried before {@link #peerHostPattern()}. Listed replicas are
     * contacted from the start. Absent (default): every replica is found by the pattern.
     */
    Optional<List<String>> peers();

    /**
     * Host name of the replica with node id {@code {node}}, reached on {@link #port()}, looked up again at every
     * heartbeat (a restarted pod has a new address). A replica is contacted the first time a record for it
     * arrives (that record is dropped; the device's retransmission gets through once the replicas shook hands,
     * under a second) and kept while it answers. Default {@code lwm2m-gateway-{node}.lwm2m-gateway-headless}
     * (the StatefulSet's pod names on its headless Service).
     */
    @WithDefault("lwm2m-gateway-{node}.lwm2m-gateway-headless")
    String peerHostPattern();

    /**
     * How often each known replica is sent a heartbeat over the cluster channel; one silent for three intervals
     * gets no forwarded records until it answers again. Default 2s.
     */
    @WithDefault("2s")
    Duration heartbeatInterval();
}
