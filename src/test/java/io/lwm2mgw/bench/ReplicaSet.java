package io.lwm2mgw.bench;

import io.lwm2mgw.it.NginxUdpBalancer;
import io.lwm2mgw.it.TestBrokers;
import io.lwm2mgw.state.redis.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S7's gateways: one or more packaged gateway processes started together on one state backend (a redis-server of
 * their own, or each its embedded engine) with nginx's UDP balancer in front of their CoAP ports, as a Kubernetes
 * Service would be. On redis each replica is also a DTLS cluster node (node id = its index, CoAPS and cluster ports
 * of its own, one cluster key, the others as listed peers) and serves the PSK identities in {@code credentials}.
 * Kafka stays off: S7 measures what a replica costs, and MQTT carries what the applications see. Each set has a
 * topic root of its own (its name): a gateway that stopped keeps its MQTT session for an hour, and mosquitto
 * 2.0 goes on giving that session its turn of the shared subscription's commands, which would lose every
 * n-th command of the next set to a gateway that is gone.
 */
final class ReplicaSet implements AutoCloseable {

    static final String CLUSTER_PSK = "s7-bench-cluster-key-0123456789";

    final List<GatewayProcess> replicas = new ArrayList<>();
    /** The MQTT topic root of every replica of the set. */
    final String root;
    final int[] coapsPorts;
    final RedisServerProcess redis;
    private final NginxUdpBalancer balancer;

    private ReplicaSet(String root, List<GatewayProcess> replicas, int[] coapsPorts, RedisServerProcess redis,
            NginxUdpBalancer balancer) {
        this.root = root;
        this.replicas.addAll(replicas);
        this.coapsPorts = coapsPorts;
        this.redis = redis;
        this.balancer = balancer;
    }

    /**
     * Starts {@code count} gateways named {@code name-0..} on the {@code backend} ("embedded" or "redis") and waits
     * until each is ready (and, for several on redis, until each heard every other on the cluster port).
     */
    static ReplicaSet start(BenchMain.Context ctx, String name, int count, String backend, Path credentials,
            Map<String, String> extra) throws Exception {
        Path folder = ctx.logDir().resolve(name);
        Files.createDirectories(folder);
        boolean shared = backend.equals("redis");
        RedisServerProcess redis = shared ? RedisServerProcess.start(folder) : null;
        List<GatewayProcess> started = new ArrayList<>();
        int[] coaps = new int[count];
        int[] cluster = new int[count];
        for (int i = 0; i < count; i++) {
            coaps[i] = TestBrokers.freeUdpPort();
            cluster[i] = TestBrokers.freeUdpPort();
        }
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> props = properties(ctx, backend, redis, credentials, i, coaps, cluster);
                props.put("gateway.mqtt.topic-root", name);
                props.putAll(extra);
                started.add(GatewayProcess.gateway(name + "-" + i, ctx.javaHome(), ctx.app(),
                        List.of(ctx.option("gateway-jvm-flags", "-XX:+UseG1GC").split(" ")), props, ctx.logDir()));
            }
            for (GatewayProcess gw : started) {
                gw.awaitReady(Duration.ofSeconds(90), ctx.logDir());
            }
            if (shared && count > 1) {
                awaitCluster(ctx, started);
            }
            List<Integer> upstreams = started.stream().map(g -> g.coapPort).toList();
            NginxUdpBalancer balancer = NginxUdpBalancer.start(folder.resolve("nginx"), Map.of("coap", upstreams));
            return new ReplicaSet(name, started, coaps, redis, balancer);
        } catch (Exception | Error e) {
            started.forEach(GatewayProcess::close);
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
    }

    private static Map<String, String> properties(BenchMain.Context ctx, String backend, RedisServerProcess redis,
            Path credentials, int node, int[] coaps, int[] cluster) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("gateway.mqtt.host", "127.0.0.1");
        props.put("gateway.mqtt.port", String.valueOf(ctx.mqttPort()));
        // every device reaches a replica from nginx's address: the per-address limit would count them as one
        props.put("gateway.lwm2m.limits.registrations-per-address", "100000000");
        props.put("gateway.lwm2m.security.coaps-port", String.valueOf(coaps[node]));
        props.put("gateway.state.backend", backend);
        if (redis != null) {
            props.put("quarkus.redis.hosts", "redis://127.0.0.1:" + redis.port);
            props.put("gateway.lwm2m.security.credentials-file", credentials.toString());
            props.put("gateway.cluster.node-id", String.valueOf(node));
            props.put("gateway.cluster.psk", CLUSTER_PSK);
            props.put("gateway.cluster.host", "127.0.0.1");
            props.put("gateway.cluster.port", String.valueOf(cluster[node]));
            List<String> peers = new ArrayList<>();
            for (int i = 0; i < coaps.length; i++) {
                if (i != node) {
                    peers.add(i + "=127.0.0.1:" + cluster[i]);
                }
            }
            if (!peers.isEmpty()) {
                props.put("gateway.cluster.peers", String.join(",", peers));
            }
            props.put("gateway.cluster.heartbeat-interval", "500ms");
            // which replica took a command for a device another one holds: one line per handed-over command
            props.put("quarkus.log.category.\"io.lwm2mgw.state.redis.RedisReplicaHandover\".level", "DEBUG");
        }
        for (String kv : ctx.option("gateway-props", "").split(",")) {
            if (kv.contains("=")) {
                props.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        return props;
    }

    private static void awaitCluster(BenchMain.Context ctx, List<GatewayProcess> replicas) throws Exception {
        for (int i = 0; i < replicas.size(); i++) {
            Path log = ctx.logDir().resolve(replicas.get(i).name + ".log");
            for (int peer = 0; peer < replicas.size(); peer++) {
                String line = "cluster: replica " + peer + " answers";
                if (peer != i && !BenchMain.waitFor(() -> read(log).contains(line), 30_000)) {
                    throw new IllegalStateException(replicas.get(i).name + " never heard replica " + peer + ", see "
                            + log);
                }
            }
        }
    }

    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** The balancer's port: where devices send their CoAP datagrams. */
    int coapPort() {
        return balancer.port("coap");
    }

    /** CPU seconds the gateways used so far, summed. */
    double gatewaysCpuSeconds() {
        return replicas.stream().mapToDouble(g -> Math.max(0, BenchMain.cpuSeconds(g.process.pid()))).sum();
    }

    /** CPU seconds of the redis-server and nginx processes this harness started (0 without them). */
    static double helpersCpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("redis-server") || c.endsWith("nginx"))
                        .orElse(false))
                .mapToDouble(p -> Math.max(0, BenchMain.cpuSeconds(p.pid()))).sum();
    }

    /** Every replica's log so far, concatenated. */
    String logs(BenchMain.Context ctx) {
        StringBuilder all = new StringBuilder();
        replicas.forEach(g -> all.append(read(ctx.logDir().resolve(g.name + ".log"))));
        return all.toString();
    }

    @Override
    public void close() throws Exception {
        balancer.close();
        replicas.parallelStream().forEach(GatewayProcess::close);
        if (redis != null) {
            redis.close();
        }
    }
}
