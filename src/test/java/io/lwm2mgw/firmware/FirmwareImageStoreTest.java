package io.lwm2mgw.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.lwm2mgw.MovableClock;
import io.lwm2mgw.config.FirmwareConfig;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.domain.firmware.FirmwareImageSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image cache against a real HTTP server on loopback: downloads, their failures, sharing and eviction. */
class FirmwareImageStoreTest {

    @TempDir
    Path directory;

    private HttpServer http;
    private ExecutorService handlers;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-23T00:00:00Z"));
    private final List<FirmwareImageStore> stores = new ArrayList<>();

    @BeforeEach
    void startHttp() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        http.setExecutor(handlers);
        http.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        http.stop(0);
        handlers.shutdownNow();
        stores.forEach(FirmwareImageStore::close);
    }

    private FirmwareImageStore store(long maxImageSize, long cacheMaxBytes, Duration downloadTimeout) {
        FirmwareImageStore store = new FirmwareImageStore(config(maxImageSize, cacheMaxBytes, downloadTimeout), clock);
        stores.add(store);
        return store;
    }

    private FirmwareImageStore store() {
        return store(1024 * 1024, 16 * 1024 * 1024, Duration.ofSeconds(10));
    }

    /** Serves {@code body} at {@code path}, counting requests; chunked (no Content-Length) when asked. */
    private URI serve(String path, byte[] body, boolean chunked) {
        http.createContext(path, exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        return url(path);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
    }

    private static byte[] bytes(int size, int seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static FirmwareImageSource fromUrl(URI url, String sha256) {
        return new FirmwareImageSource.FromUrl(url, Optional.ofNullable(sha256));
    }

    private static FirmwareImage get(CompletionStage<FirmwareImage> stage) {
        return stage.toCompletableFuture().join();
    }

    private static Throwable failure(CompletionStage<FirmwareImage> stage) throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        stage.whenComplete((image, e) -> error.complete(e));
        Throwable e = error.get(30, TimeUnit.SECONDS);
        assertThat(e).as("the resolve should have failed").isInstanceOf(ImageUnavailable.class);
        return e;
    }

    private List<String> filesInCache() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void a_url_is_downloaded_into_a_file_named_by_its_digest() throws Exception {
        byte[] body = bytes(300_000, 1);
        String sha = FirmwareImageStore.sha256(body);

        FirmwareImage image = get(store().resolve(fromUrl(serve("/a.bin", body, false), sha)));

        assertThat(image.sha256()).isEqualTo(sha);
        assertThat(image.size()).isEqualTo(body.length);
        assertThat(image.file()).isEqualTo(directory.resolve(sha + ".bin"));
        assertThat(Files.readAllBytes(image.file())).isEqualTo(body);
        assertThat(filesInCache()).containsExactly(sha + ".bin");
    }

    @Test
    void a_chunked_body_and_a_redirect_are_followed() throws Exception {
        byte[] body = bytes(70_000, 2);
        serve("/new.bin", body, true);
        http.createContext("/old.bin", exchange -> {
            exchange.getResponseHeaders().add("Location", "/new.bin");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });

        FirmwareImage image = get(store().resolve(fromUrl(url("/old.bin"), null)));

        assertThat(Files.readAllBytes(image.file())).isEqualTo(body);
    }

    @Test
    void a_digest_mismatch_fails_and_keeps_nothing() throws Exception {
        URI url = serve("/b.bin", bytes(5000, 3), false);

        Throwable error = failure(store().resolve(fromUrl(url, "0".repeat(64))));

        assertThat(error.getMessage()).startsWith("image sha256 mismatch: " + url + " has ")
                .endsWith(", expected " + "0".repeat(64));
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void a_404_fails_naming_the_status_and_the_url() throws Exception {
        Throwable error = failure(store().resolve(fromUrl(url("/nothing-here"), null)));

        assertThat(error.getMessage()).isEqualTo("image download failed: HTTP 404 from " + url("/nothing-here"));
        assertThat(filesInCache()).isEmpty();
    }

    @Test
    void an_image_over_the_limit_is_refused_whether_announced_or_streamed() throws Exception {
        FirmwareImageStore store = store(10_000, 100_000, Duration.ofSeconds(10));
        URI announced = serve("/big.bin", bytes(50_000, 4), false);
        URI streamed = serve("/big-chunked.bin", bytes(50_000, 5), true);

        assertThat(failure(store.resolve(fromUrl(announced, null))).getMessage()).isEqualTo("image download failed: "
                + "the image at " + announced + " is larger than the limit of 10000 bytes (50000 bytes announced)");
        assertThat(failure(store.resolve(fromUrl(streamed, null))).getMessage()).isEqualTo("image download failed: "
                + "the image at " + streamed + " is larger than the limit of 10000 bytes");
        assertThat(failure(store.resolve(new FirmwareImageSource.Inline(bytes(10_001, 6)))).getMessage())
                .isEqualTo("inline image of 10001 bytes is larger than the limit of 10000 bytes");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesInCache()).isEmpty());
    }

    @Test
    void a_server_that_stalls_fails_after_the_download_timeout() throws Exception {
        http.createContext("/stall.bin", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write(new byte[10]);
            exchange.getResponseBody().flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        FirmwareImageStore store = store(10_000, 100_000, Duration.ofMillis(500));

        Throwable error = failure(store.resolve(fromUrl(url("/stall.bin"), null)));

        assertThat(error.getMessage()).isEqualTo("image download failed: no complete answer within 500 ms from "
                + url("/stall.bin"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(filesInCache()).isEmpty());
    }

    @Test
    void a_refused_connection_fails_clearly() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/x.bin");

        Throwable error = failure(store().resolve(fromUrl(url, null)));

        assertThat(error.getMessage()).isEqualTo("image download failed: cannot connect to 127.0.0.1:" + closedPort
                + " for " + url);
    }

    @Test
    void concurrent_resolves_of_one_url_share_one_download() throws Exception {
        byte[] body = bytes(200_000, 7);
        CountDownLatch asked = new CountDownLatch(1);
        http.createContext("/shared.bin", exchange -> {
            requests.incrementAndGet();
            asked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        FirmwareImageStore store = store();
        List<CompletionStage<FirmwareImage>> resolves = new ArrayList<>();
        resolves.add(store.resolve(fromUrl(url("/shared.bin"), null)));
        assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 9; i++) {
            resolves.add(store.resolve(fromUrl(url("/shared.bin"), null)));
        }

        release.countDown();

        List<FirmwareImage> images = resolves.stream().map(FirmwareImageStoreTest::get).toList();
        assertThat(images).hasSize(10).allMatch(images.get(0)::equals);
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void a_cached_digest_is_not_downloaded_again_even_after_a_restart() throws Exception {
        byte[] body = bytes(20_000, 8);
        String sha = FirmwareImageStore.sha256(body);
        FirmwareImage first = get(store().resolve(fromUrl(serve("/c.bin", body, false), sha)));
        Files.writeString(directory.resolve("download-123.part"), "left over by a crash");

        FirmwareImageStore restarted = store();
        FirmwareImage again = get(restarted.resolve(fromUrl(url("/gone.bin"), sha)));

        assertThat(again).isEqualTo(first);
        assertThat(requests.get()).isEqualTo(1);
        assertThat(restarted.find(sha)).contains(first);
        assertThat(restarted.find("f".repeat(64))).isEmpty();
        assertThat(filesInCache()).containsExactly(sha + ".bin");
    }

    @Test
    void inline_bytes_are_hashed_and_stored_once() throws Exception {
        byte[] body = bytes(4000, 9);
        FirmwareImageStore store = store();

        FirmwareImage image = get(store.resolve(new FirmwareImageSource.Inline(body)));
        FirmwareImage again = get(store.resolve(new FirmwareImageSource.Inline(body)));

        assertThat(image.sha256()).isEqualTo(FirmwareImageStore.sha256(body));
        assertThat(again).isEqualTo(image);
        assertThat(Files.readAllBytes(image.file())).isEqualTo(body);
        assertThat(filesInCache()).containsExactly(image.sha256() + ".bin");
    }

    @Test
    void the_least_recently_used_unpinned_image_is_evicted_first() throws Exception {
        FirmwareImageStore store = store(10_000, 25_000, Duration.ofSeconds(10));
        FirmwareImage a = get(store.resolve(new FirmwareImageSource.Inline(bytes(10_000, 10))));
        clock.advance(Duration.ofSeconds(1));
        FirmwareImage b = get(store.resolve(new FirmwareImageSource.Inline(bytes(10_000, 11))));
        clock.advance(Duration.ofSeconds(1));
        // a third image right away: all are fresh (their callers may not have pinned them yet), nothing goes
        FirmwareImage c = get(store.resolve(new FirmwareImageSource.Inline(bytes(10_000, 12))));
        assertThat(store.cachedBytes()).isEqualTo(30_000);

        clock.advance(Duration.ofMinutes(2));
        store.pin(a);
        FirmwareImage d = get(store.resolve(new FirmwareImageSource.Inline(bytes(10_000, 13))));

        // a is the oldest but in use: b (next oldest) and c go until the cache fits
        assertThat(store.find(a.sha256())).contains(a);
        assertThat(store.find(b.sha256())).isEmpty();
        assertThat(store.find(c.sha256())).isEmpty();
        assertThat(store.find(d.sha256())).contains(d);
        assertThat(filesInCache()).containsExactlyInAnyOrder(a.sha256() + ".bin", d.sha256() + ".bin");

        store.unpin(a);
        clock.advance(Duration.ofMinutes(2));
        store.find(a.sha256());
        clock.advance(Duration.ofMinutes(2));
        FirmwareImage e = get(store.resolve(new FirmwareImageSource.Inline(bytes(10_000, 14))));

        // no longer pinned, but used more recently than d: d goes
        assertThat(filesInCache()).containsExactlyInAnyOrder(a.sha256() + ".bin", e.sha256() + ".bin");
        assertThat(store.find(d.sha256())).isEmpty();
    }

    @Test
    void the_last_uses_recorded_in_the_state_engine_decide_what_is_evicted_after_a_restart(@TempDir Path state)
            throws Exception {
        var gateway = new io.smallrye.config.SmallRyeConfigBuilder().withMapping(io.lwm2mgw.config.GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.PropertiesConfigSource(java.util.Map.of("gateway.id", "gw-images",
                        "gateway.state.directory", state.resolve("engine").toString(),
                        "gateway.lwm2m.state-directory", state.resolve("registrations").toString(),
                        "gateway.commands.store-directory", state.resolve("commands").toString(),
                        "gateway.firmware.campaign-directory", state.resolve("campaigns").toString()), "t", 500))
                .build().getConfigMapping(io.lwm2mgw.config.GatewayConfig.class);
        FirmwareImage a;
        FirmwareImage b;
        try (var engine = new io.lwm2mgw.state.embedded.EmbeddedStateBackend(gateway,
                new com.fasterxml.jackson.databind.ObjectMapper(), new io.lwm2mgw.storage.StoreHealth(),
                io.lwm2mgw.storage.EarlierFormats.NONE)) {
            FirmwareImageStore before = new FirmwareImageStore(config(10_000, 25_000, Duration.ofSeconds(10)), clock,
                    engine.images());
            a = get(before.resolve(new FirmwareImageSource.Inline(bytes(10_000, 20))));
            clock.advance(Duration.ofSeconds(1));
            b = get(before.resolve(new FirmwareImageSource.Inline(bytes(10_000, 21))));
            clock.advance(Duration.ofMinutes(2));
            before.find(a.sha256()); // a is now the more recently used
            before.close();
        }
        clock.advance(Duration.ofMinutes(2));

        try (var engine = new io.lwm2mgw.state.embedded.EmbeddedStateBackend(gateway,
                new com.fasterxml.jackson.databind.ObjectMapper(), new io.lwm2mgw.storage.StoreHealth(),
                io.lwm2mgw.storage.EarlierFormats.NONE)) {
            FirmwareImageStore after = new FirmwareImageStore(config(10_000, 25_000, Duration.ofSeconds(10)), clock,
                    engine.images());
            stores.add(after);
            FirmwareImage c = get(after.resolve(new FirmwareImageSource.Inline(bytes(10_000, 22))));

            // the files' own times are today's, far after this clock: only the recorded uses tell a from b
            assertThat(filesInCache()).containsExactlyInAnyOrder(a.sha256() + ".bin", c.sha256() + ".bin");
            assertThat(after.find(b.sha256())).isEmpty();
            assertThat(engine.images().lastUses()).containsOnlyKeys(a.sha256(), c.sha256());
        }
    }

    private FirmwareConfig config(long maxImageSize, long cacheMaxBytes, Duration downloadTimeout) {
        Path dir = directory;
        return new FirmwareConfig() {
            @Override
            public Path imageDirectory() {
                return dir;
            }

            @Override
            public long maxImageSize() {
                return maxImageSize;
            }

            @Override
            public long cacheMaxBytes() {
                return cacheMaxBytes;
            }

            @Override
            public Duration downloadTimeout() {
                return downloadTimeout;
            }

            @Override
            public int blockSize() {
                return 512;
            }

            @Override
            public Optional<String> pullUriHost() {
                return Optional.empty();
            }

            @Override
            public Duration deviceDownloadTimeout() {
                return Duration.ofMinutes(10);
            }

            @Override
            public Duration updateTimeout() {
                return Duration.ofMinutes(5);
            }

            @Override
            public Duration totalTimeout() {
                return Duration.ofHours(1);
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Path campaignDirectory() {
                return dir.resolve("campaigns");
            }
        };
    }
}
