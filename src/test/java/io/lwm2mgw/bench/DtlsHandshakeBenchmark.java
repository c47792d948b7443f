package io.lwm2mgw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.it.BrokersResource;
import io.lwm2mgw.it.SecurityProfile;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.SinglePskStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Full DTLS 1.2 PSK handshakes against the gateway's CoAPS endpoint, N clients at once: each client forgets its
 * session before every handshake (no resumption), then sends a CoAP ping over the new connection. Prints
 * handshakes per second and the p50/p99 handshake time, writes target/benchmarks/dtls-handshakes.json.
 * Run with {@code ./mvnw -B -ntp test -Pbench -Dtest=DtlsHandshakeBenchmark}; {@code -Dbench.clients=8},
 * {@code -Dbench.seconds=10}.
 */
@Tag("benchmark")
@QuarkusTest
@WithTestResource(BrokersResource.class)
class DtlsHandshakeBenchmark {

    private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup-seconds", 3);
    private static final byte[] CON_PING = {0x40, 0x00, 0x12, 0x34};

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void full_psk_handshakes_per_second() throws Exception {
        InetSocketAddress gateway = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                lwm2m.secureBoundPort().orElseThrow());
        byte[] key = HexFormat.of().parseHex("0102030405060708");
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<DTLSConnector> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(client("psk-dev-id", key));
        }
        try {
            run(pool, clients, gateway, WARMUP_SECONDS);
            long start = System.nanoTime();
            List<long[]> perClient = run(pool, clients, gateway, SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            assertThat(all).isNotEmpty();
            double perSecond = all.length / elapsed;
            double p50 = all[all.length / 2] / 1e6;
            double p99 = all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6;
            String figures = String.format(Locale.ROOT,
                    "{\"clients\":%d,\"seconds\":%.1f,\"handshakes\":%d,\"handshakesPerSecond\":%.1f,"
                            + "\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"cores\":%d}",
                    CLIENTS, elapsed, all.length, perSecond, p50, p99, Runtime.getRuntime().availableProcessors());
            System.out.println("DTLS PSK handshake benchmark: " + figures);
            Path out = Path.of("target/benchmarks/dtls-handshakes.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, figures + "\n");
        } finally {
            clients.forEach(DTLSConnector::destroy);
            pool.shutdownNow();
        }
    }

    /** Each client does back-to-back full handshakes for {@code seconds}; returns every handshake's nanos. */
    private static List<long[]> run(ExecutorService pool, List<DTLSConnector> clients, InetSocketAddress gateway,
            int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[]>> futures = new ArrayList<>();
        for (DTLSConnector client : clients) {
            futures.add(pool.submit(() -> {
                long[] times = new long[1024];
                int n = 0;
                while (System.nanoTime() < deadline) {
                    client.clearConnectionState();
                    long begin = System.nanoTime();
                    handshake(client, gateway).get(10, TimeUnit.SECONDS);
                    if (n == times.length) {
                        times = Arrays.copyOf(times, n * 2);
                    }
                    times[n++] = System.nanoTime() - begin;
                }
                return Arrays.copyOf(times, n);
            }));
        }
        List<long[]> results = new ArrayList<>();
        for (Future<long[]> f : futures) {
            results.add(f.get(seconds + 30L, TimeUnit.SECONDS));
        }
        return results;
    }

    /** Completes once the ping went out, which Scandium does only after the handshake finished. */
    private static CompletableFuture<Void> handshake(DTLSConnector client, InetSocketAddress gateway) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.send(RawData.outbound(CON_PING, new AddressEndpointContext(gateway), new PingCallback(done, true),
                false));
        return done;
    }

    private static DTLSConnector client(String identity, byte[] key) throws java.io.IOException {
        DtlsConfig.register();
        Configuration configuration = Configuration.createStandardWithoutFile();
        configuration.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        configuration.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
        configuration.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        configuration.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        configuration.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 0);
        DtlsConnectorConfig config = DtlsConnectorConfig.builder(configuration)
                .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .setPskStore(new SinglePskStore(identity, key))
                .build();
        DTLSConnector connector = new DTLSConnector(config);
        connector.setRawDataReceiver(data -> { });
        connector.start();
        return connector;
    }
}
