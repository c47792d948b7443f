package io.lwm2mgw.bench;

import io.lwm2mgw.it.UdpProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.SinglePskStore;

/**
 * S7's DTLS forwarding: N Scandium PSK clients (Connection ID on) each shake hands with replica 0 through a UDP
 * proxy of their own, then send CoAP pings (a CON empty message, answered RST: the smallest exchange, so forwarding
 * weighs most), one in flight per client. Right: the proxy sends to replica 0, which holds the sessions. Wrong:
 * it sends to replica 1 or 2 from the same port, as a balancer that moved the device would, and every record
 * reaches a replica that forwards it to 0 over the cluster port (and 0's answers go back through it). The phases
 * alternate; throughput wrong / right is the figure (target at least 0.75).
 */
final class ReplicaDtlsForwarding {

    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    private ReplicaDtlsForwarding() {
    }

    /** The credentials file of the DTLS clients: identity {@code s7-dtls-<i>}, all with one key. */
    static String credentials(int clients) {
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            devices.add("{\"endpoint\": \"s7-dtls-" + i + "\", \"psk\": {\"identity\": \"s7-dtls-" + i
                    + "\", \"key\": \"" + HexFormat.of().formatHex(KEY) + "\"}}");
        }
        return "{\"devices\": [" + String.join(", ", devices) + "]}";
    }

    /** One client: its connector, its proxy, and the ping it waits for. */
    private static final class Client implements AutoCloseable {
        final DTLSConnector connector;
        final UdpProxy proxy;
        final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();
        int mid;
        volatile int awaited = -1;

        Client(int index, int ownerPort) throws Exception {
            proxy = new UdpProxy(ownerPort);
            connector = connector("s7-dtls-" + index);
            mid = (index * 7919) & 0xffff;
            connector.setRawDataReceiver(data -> {
                byte[] b = data.getBytes();
                int got = b.length >= 4 ? ((b[2] & 0xff) << 8) | (b[3] & 0xff) : -1;
                CompletableFuture<Void> f = pending.get();
                if (got == awaited && f != null) {
                    f.complete(null);
                }
            });
            connector.start();
        }

        /** Sends one ping and waits for its RST; false when none came within a second. */
        boolean ping() throws Exception {
            mid = (mid + 1) & 0xffff;
            awaited = mid;
            CompletableFuture<Void> answered = new CompletableFuture<>();
            pending.set(answered);
            byte[] ping = {0x40, 0x00, (byte) (mid >> 8), (byte) mid};
            connector.send(RawData.outbound(ping, new AddressEndpointContext(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port())), new PingCallback(answered, false),
                    false));
            try {
                answered.get(1, TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
        }

        @Override
        public void close() {
            connector.destroy();
            proxy.close();
        }
    }

    static void run(BenchMain.Context ctx, BenchMain bench, ReplicaSet set) throws Exception {
        int clients = ctx.intOption("s7-dtls-clients", 8);
        int seconds = ctx.intOption("s7-dtls-seconds", 5);
        int repeats = ctx.intOption("s7-dtls-repeats", 2);
        GatewayProcess owner = set.replicas.get(0);
        double handshakes0 = owner.metricSum("lwm2m_dtls_handshakes_started_total");
        List<Client> all = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                Client c = new Client(i, set.coapsPorts[0]);
                all.add(c);
                if (!firstPing(c)) {
                    throw new IllegalStateException("DTLS client " + i + " got no answer from replica 0");
                }
            }
            double handshakes = owner.metricSum("lwm2m_dtls_handshakes_started_total") - handshakes0;
            phase(pool, all, 2); // warm both paths unmeasured
            retarget(all, set, true);
            phase(pool, all, 2);
            long right = 0;
            long wrong = 0;
            double rightSeconds = 0;
            double wrongSeconds = 0;
            long lost = 0;
            double forwarded0 = forwarded(set);
            for (int r = 0; r < repeats; r++) {
                retarget(all, set, false);
                long[] p = phase(pool, all, seconds);
                right += p[0];
                lost += p[1];
                rightSeconds += p[2] / 1e9;
                retarget(all, set, true);
                p = phase(pool, all, seconds);
                wrong += p[0];
                lost += p[1];
                wrongSeconds += p[2] / 1e9;
            }
            double forwardedRecords = forwarded(set) - forwarded0;
            double rightRate = right / rightSeconds;
            double wrongRate = wrong / wrongSeconds;
            String of = " (" + clients + " clients, CoAP ping over DTLS)";
            bench.figure("S7", "DTLS exchanges/s, every record on the owner" + of, rightRate, "ping/s", null, null);
            bench.figure("S7", "DTLS exchanges/s, every record on the wrong replica" + of, wrongRate, "ping/s", null,
                    null);
            double ratio = wrongRate / rightRate;
            bench.figure("S7", "DTLS throughput, wrong replica / owner", ratio, "x", ">= 0.75", ratio >= 0.75);
            double extra = owner.metricSum("lwm2m_dtls_handshakes_started_total") - handshakes0 - handshakes;
            bench.detail("S7", "dtls", Map.of("clients", clients, "secondsPerPhase", seconds, "repeats", repeats,
                    "right", right, "wrong", wrong, "lost", lost, "forwardedOutRecords", forwardedRecords,
                    "handshakes", handshakes, "handshakesAfterTheFirst", extra,
                    "summary", String.format(Locale.ROOT, "%.0f vs %.0f /s", rightRate, wrongRate)));
        } finally {
            pool.shutdownNow();
            all.forEach(Client::close);
        }
    }

    /** The handshake and its first ping: a loaded machine may need more than one second for it. */
    private static boolean firstPing(Client c) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (c.ping()) {
                return true;
            }
        }
        return false;
    }

    /** Every client's proxy to the owner (replica 0) or, {@code wrong}, to replica 1 or 2 from the same port. */
    private static void retarget(List<Client> clients, ReplicaSet set, boolean wrong) {
        int others = set.coapsPorts.length - 1;
        for (int i = 0; i < clients.size(); i++) {
            clients.get(i).proxy.retarget(wrong ? set.coapsPorts[1 + i % others] : set.coapsPorts[0]);
        }
    }

    private static double forwarded(ReplicaSet set) {
        double sum = 0;
        for (GatewayProcess g : set.replicas) {
            sum += g.metricSeries("lwm2m_dtls_cluster_records_total", "direction=\"forwarded-out\"");
        }
        return sum;
    }

    /** Every client pings back to back for {@code seconds}: answered, unanswered, elapsed nanos. */
    private static long[] phase(ExecutorService pool, List<Client> clients, int seconds) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[]>> futures = new ArrayList<>();
        for (Client c : clients) {
            futures.add(pool.submit(() -> {
                long ok = 0;
                long lost = 0;
                while (System.nanoTime() < deadline) {
                    if (c.ping()) {
                        ok++;
                    } else {
                        lost++;
                    }
                }
                return new long[] {ok, lost};
            }));
        }
        long ok = 0;
        long lost = 0;
        for (Future<long[]> f : futures) {
            long[] r = f.get(seconds + 30L, TimeUnit.SECONDS);
            ok += r[0];
            lost += r[1];
        }
        return new long[] {ok, lost, System.nanoTime() - start};
    }

    private static DTLSConnector connector(String identity) {
        DtlsConfig.register();
        Configuration configuration = Configuration.createStandardWithoutFile();
        configuration.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        configuration.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
        configuration.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        configuration.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        // 0: the client uses the replica's Connection ID and asks for none of its own
        configuration.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        DtlsConnectorConfig config = DtlsConnectorConfig.builder(configuration)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setPskStore(new SinglePskStore(identity, KEY))
                .build();
        return new DTLSConnector(config);
    }
}
