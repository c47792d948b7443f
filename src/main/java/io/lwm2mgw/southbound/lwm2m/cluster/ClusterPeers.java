package io.lwm2mgw.southbound.lwm2m.cluster;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the other replicas' cluster ports are: a fixed list ({@code node=host:port}) first, then a host-name
 * pattern with the node id ({@code lwm2m-gateway-{node}.lwm2m-gateway-headless}) on the common cluster port. A seam
 * so that a membership table (Redis heartbeats, say) could replace it; resolving may look up DNS, so it is called
 * from the heartbeat thread only, never from a DTLS thread.
 */
public interface ClusterPeers {

    /** The internal address of replica {@code node} as of now; empty when it cannot be resolved. */
    Optional<InetSocketAddress> resolve(int node);

    /** Replicas to contact from the start (the listed ones); others only once a record for them arrives. */
    Set<Integer> listed();

    /** Peers from configuration; {@code entries} are valid (see {@link #problem(String)}). */
    static ClusterPeers of(List<String> entries, String hostPattern, int port) {
        Map<Integer, String> listed = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            listed.put(Integer.parseInt(entry.substring(0, equals).strip()), entry.substring(equals + 1).strip());
        }
        return new Configured(Map.copyOf(listed), hostPattern, port);
    }

    /** What is wrong with one {@code node=host:port} entry, if anything. */
    static Optional<String> problem(String entry) {
        int equals = entry.indexOf('=');
        int colon = entry.lastIndexOf(':');
        if (equals < 1 || colon < equals + 2) {
            return Optional.of("'" + entry + "' is not node=host:port");
        }
        try {
            int node = Integer.parseInt(entry.substring(0, equals).strip());
            int port = Integer.parseInt(entry.substring(colon + 1).strip());
            if (node < 0 || node > 255) {
                return Optional.of("'" + entry + "': node " + node + " is outside 0..255");
            }
            if (port < 1 || port > 65535) {
                return Optional.of("'" + entry + "': port " + port + " is outside 1..65535");
            }
        } catch (NumberFormatException e) {
            return Optional.of("'" + entry + "' is not node=host:port (node and port are numbers)");
        }
        return Optional.empty();
    }

    /** The node id of a valid entry. */
    static int node(String entry) {
        return Integer.parseInt(entry.substring(0, entry.indexOf('=')).strip());
    }

    /** The list, then the pattern. */
    record Configured(Map<Integer, String> hostPorts, String hostPattern, int port) implements ClusterPeers {

        @Override
        public Optional<InetSocketAddress> resolve(int node) {
            String hostPort = hostPorts.get(node);
            InetSocketAddress address;
            if (hostPort != null) {
                int colon = hostPort.lastIndexOf(':');
                address = new InetSocketAddress(hostPort.substring(0, colon),
                        Integer.parseInt(hostPort.substring(colon + 1)));
            } else {
                address = new InetSocketAddress(hostPattern.replace("{node}", Integer.toString(node)), port);
            }
            return address.isUnresolved() ? Optional.empty() : Optional.of(address);
        }

        @Override
        public Set<Integer> listed() {
            return hostPorts.keySet();
        }
    }
}
