package io.lwm2mgw.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx with its stream module ({@code apt-get install nginx libnginx-mod-stream}) as the UDP load balancer
 * in front of several gateway processes, as a Kubernetes Service or an edge balancer would be. Each named pool
 * listens on its own free loopback port and spreads clients over its upstream ports by a consistent hash of the
 * client's address and port (every client is 127.0.0.1 here, so the port is what tells them apart). A client keeps
 * its replica as long as its source port stays; a client that changes its port (a NAT rebinding) may land on another
 * replica. An upstream that answers ICMP port-unreachable (a replica killed) is skipped for {@code fail_timeout}, and
 * its clients' next datagrams go to a survivor. Replies and the gateway's own requests flow back through the session.
 */
public final class NginxUdpBalancer implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

    private final Path folder;
    private final Process master;
    private final Map<String, Integer> ports;

    private NginxUdpBalancer(Path folder, Process master, Map<String, Integer> ports) {
        this.folder = folder;
        this.master = master;
        this.ports = ports;
    }

    /** Whether this machine has nginx and its stream module (a test that needs them is skipped otherwise). */
    public static boolean available() {
        return Files.isExecutable(NGINX) && Files.isRegularFile(STREAM_MODULE);
    }

    /**
     * Starts nginx in {@code folder} (configuration, pid file and error log live there) with one listening UDP port
     * per pool, each pool spreading over its upstream loopback ports.
     */
    public static NginxUdpBalancer start(Path folder, Map<String, List<Integer>> pools) throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String pool : pools.keySet()) {
            ports.put(pool, freeUdpPort());
        }
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("nginx.conf"), configuration(folder, pools, ports));
        Process master = new ProcessBuilder(NGINX.toString(), "-p", folder.toString(), "-c",
                folder.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(folder.resolve("nginx.out").toFile()).start();
        NginxUdpBalancer balancer = new NginxUdpBalancer(folder, master, ports);
        await().atMost(Duration.ofSeconds(10)).until(() -> !master.isAlive() || Files.exists(folder.resolve("nginx.pid")));
        if (!master.isAlive()) {
            throw new IOException("nginx did not start: " + Files.readString(folder.resolve("nginx.out")).strip());
        }
        return balancer;
    }

    /** The loopback UDP port clients of {@code pool} send to. */
    public int port(String pool) {
        Integer port = ports.get(pool);
        if (port == null) {
            throw new IllegalArgumentException("no pool " + pool + " (pools: " + ports.keySet() + ")");
        }
        return port;
    }

    /** What nginx logged (warnings and errors), for a failing test's message. */
    public String errorLog() throws IOException {
        Path log = folder.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String configuration(Path folder, Map<String, List<Integer>> pools, Map<String, Integer> ports) {
        StringBuilder conf = new StringBuilder()
                .append("load_module ").append(STREAM_MODULE).append(";\n")
                .append("worker_processes 1;\n")
                .append("pid ").append(folder.resolve("nginx.pid")).append(";\n")
                .append("error_log ").append(folder.resolve("error.log")).append(" warn;\n")
                .append("events { worker_connections 4096; }\n")
                .append("stream {\n");
        pools.forEach((pool, upstreams) -> conf
                .append("  upstream ").append(pool).append(" {\n")
                // every client is 127.0.0.1: its port is what tells two clients apart
                .append("    hash $remote_addr$remote_port consistent;\n")
                .append(upstreams.stream().map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=5s;\n")
                        .collect(Collectors.joining()))
                .append("  }\n")
                .append("  server {\n")
                .append("    listen 127.0.0.1:").append(ports.get(pool)).append(" udp;\n")
                .append("    proxy_pass ").append(pool).append(";\n")
                // a device may sleep for minutes between two datagrams; its session (and its replica) must stay.
                // proxy_responses stays unset: 0 would drop every reply and every request of the gateway's
                .append("    proxy_timeout 1h;\n")
                .append("  }\n"));
        return conf.append("}\n").toString();
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        master.destroy();
        if (!master.waitFor(10, TimeUnit.SECONDS)) {
            master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
