package io.lwm2mgw.southbound.lwm2m.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MapBasedEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.scandium.DtlsClusterConnector;
import org.jboss.logging.Logger;

/**
 * Which replicas are alive and where their cluster ports are, for Scandium's cluster connector. Every
 * {@code heartbeat} each known replica gets a two-byte heartbeat (kind, node id) over the replicas' DTLS channel
 * (the first one starts the handshake, with the cluster key) and answers it; a replica heard from within three
 * heartbeats is alive. The connector's questions ({@link #getClusterNode}, {@link #available}) are answered from
 * memory at once, on DTLS threads; looking up addresses (DNS) happens on the heartbeat thread only.
 */
public final class ClusterMembership implements DtlsClusterConnector.ClusterNodesProvider, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterMembership.class);
    private static final byte HEARTBEAT = 'H';
    private static final byte ANSWER = 'A';

    private final int node;
    private final ClusterPeers peers;
    private final long heartbeatNanos;
    private final LongSupplier nanos;
    /** Every replica this one wants to reach: listed ones and those records arrived for. */
    private final Set<Integer> wanted = ConcurrentHashMap.newKeySet();
    /** When each wanted replica was last heard from, or first wanted. */
    private final Map<Integer, Long> silentSince = new ConcurrentHashMap<>();
    private final Map<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Long> heardAt = new ConcurrentHashMap<>();
    private final Set<Integer> alive = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private volatile Connector channel;

    public ClusterMembership(int node, ClusterPeers peers, Duration heartbeat, LongSupplier nanos) {
        this.node = node;
        this.peers = peers;
        this.heartbeatNanos = heartbeat.toNanos();
        this.nanos = nanos;
        peers.listed().stream().filter(n -> n != node).forEach(wanted::add);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes the replicas' channel (the managed connector's management connector) and starts the heartbeats. */
    public void attach(Connector channel) {
        this.channel = channel;
        channel.setRawDataReceiver(this::received);
        timer.scheduleWithFixedDelay(this::heartbeat, 0, heartbeatNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public InetSocketAddress getClusterNode(int nodeId) {
        InetSocketAddress address = addresses.get(nodeId);
        if (address != null && fresh(address)) {
            return address;
        }
        if (nodeId != node && wanted.add(nodeId)) {
            // contact it now rather than at the next heartbeat: the device retransmits within seconds
            timer.execute(this::heartbeat);
        }
        return null;
    }

    @Override
    public boolean available(InetSocketAddress replica) {
        return fresh(replica);
    }

    /** The node ids of the replicas heard from lately, for logs and tests. */
    public Set<Integer> alive() {
        return new TreeSet<>(alive);
    }

    private boolean fresh(InetSocketAddress address) {
        Long heard = heardAt.get(address);
        return heard != null && nanos.getAsLong() - heard < 3 * heartbeatNanos;
    }

    private void heartbeat() {
        Connector c = channel;
        if (c == null || !c.isRunning()) {
            return;
        }
        long now = nanos.getAsLong();
        for (int peer : wanted) {
            InetSocketAddress known = addresses.get(peer);
            boolean fresh = known != null && fresh(known);
            if (known != null && !fresh && alive.remove(peer)) {
                LOG.warnf("cluster: replica %d at %s is silent; records for its devices are dropped until it answers",
                        peer, known);
            }
            // one side starts the handshake, so that two crossing handshakes never leave the replicas with
            // different sessions (and so different MAC keys): the lower node id at once; a silent replica (restarted,
            // its session gone) gets a new handshake, from the lower node id first
            long silent = now - silentSince.computeIfAbsent(peer, p -> now);
            org.eclipse.californium.elements.MapBasedEndpointContext.Attributes mode;
            if (fresh) {
                mode = DtlsEndpointContext.ATTRIBUTE_HANDSHAKE_MODE_NONE;
            } else if (silent > (node < peer ? 2 : 4) * heartbeatNanos) {
                mode = DtlsEndpointContext.ATTRIBUTE_HANDSHAKE_MODE_FORCE;
            } else {
                mode = node < peer ? DtlsEndpointContext.ATTRIBUTE_HANDSHAKE_MODE_AUTO
                        : DtlsEndpointContext.ATTRIBUTE_HANDSHAKE_MODE_NONE;
            }
            peers.resolve(peer).ifPresent(address -> send(c, address, HEARTBEAT,
                    new MapBasedEndpointContext(address, null, mode)));
        }
    }

    private void send(Connector c, InetSocketAddress to, byte kind, EndpointContext context) {
        c.send(RawData.outbound(new byte[] {kind, (byte) node}, context, null, false));
    }

    private void received(RawData data) {
        byte[] bytes = data.getBytes();
        if (bytes.length != 2 || (bytes[0] != HEARTBEAT && bytes[0] != ANSWER)) {
            LOG.debugf("cluster: ignored %d bytes from %s", bytes.length, data.getInetSocketAddress());
            return;
        }
        int peer = bytes[1] & 0xff;
        if (peer == node) {
            LOG.warnf("cluster: %s claims this replica's node id %d; two replicas share it", data.getInetSocketAddress(),
                    node);
            return;
        }
        InetSocketAddress from = data.getInetSocketAddress();
        heardAt.put(from, nanos.getAsLong());
        silentSince.put(peer, nanos.getAsLong());
        InetSocketAddress before = addresses.put(peer, from);
        if (before != null && !before.equals(from)) {
            heardAt.remove(before);
        }
        wanted.add(peer);
        if (alive.add(peer)) {
            LOG.infof("cluster: replica %d answers at %s", peer, from);
        }
        if (bytes[0] == HEARTBEAT) {
            send(channel, from, ANSWER, data.getEndpointContext());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
