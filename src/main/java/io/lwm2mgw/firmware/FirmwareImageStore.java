package io.lwm2mgw.firmware;

import io.lwm2mgw.config.FirmwareConfig;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.domain.firmware.FirmwareImageSource;
import io.lwm2mgw.storage.AtomicFile;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The local image cache, content-addressed: each image is stored once as {@code {dir}/{sha256}.bin} and never
 * changed. {@link #resolve} downloads an http(s) image once (concurrent resolves of the same URL and digest share
 * one download; a digest already cached is not downloaded again) or stores inline bytes. When the cache grows
 * over {@code gateway.firmware.cache-max-bytes}, the least recently used images go, never a pinned one (an update
 * is using it) nor one resolved within the last minute (its caller is about to pin it). The index is rebuilt
 * from the directory at start, with each image's last use from the {@link FirmwareImageIndex}; file names are
 * trusted, as files get their name only after being hashed.
 *
 * <p>Threading: every method may be called from any thread and returns at once; downloads and file work run on
 * the store's own two threads.
 */
@ApplicationScoped
public class FirmwareImageStore {

    private static final Logger LOG = Logger.getLogger(FirmwareImageStore.class);
    private static final Pattern IMAGE_FILE = Pattern.compile("[0-9a-f]{64}\\.bin");
    /** An image resolved this recently is not evicted, so its caller can pin it first. */
    static final Duration RESOLVE_GRACE = Duration.ofMinutes(1);

    private final Path directory;
    private final long maxImageSize;
    private final long cacheMaxBytes;
    private final Clock clock;
    private final ExecutorService io;
    private final ImageDownload download;
    private final FirmwareImageIndex uses;
    /** Guarded by {@code this}. */
    private final Map<String, Entry> index = new HashMap<>();
    /** Guarded by {@code this}. Downloads under way, by URL and expected digest. */
    private final Map<String, CompletableFuture<FirmwareImage>> downloads = new HashMap<>();

    /** One cached image, when it was last resolved or found, and how many updates use it. */
    private static final class Entry {
        final FirmwareImage image;
        long lastUsed;
        int pins;

        Entry(FirmwareImage image, long lastUsed) {
            this.image = image;
            this.lastUsed = lastUsed;
        }
    }

    @Inject
    public FirmwareImageStore(GatewayConfig config, Clock clock, FirmwareImageIndex uses) {
        this(config.firmware(), clock, uses);
    }

    /** A cache whose uses are not recorded (tests). */
    FirmwareImageStore(FirmwareConfig config, Clock clock) {
        this(config, clock, FirmwareImageIndex.NONE);
    }

    FirmwareImageStore(FirmwareConfig config, Clock clock, FirmwareImageIndex uses) {
        this.uses = uses;
        this.directory = config.imageDirectory();
        this.maxImageSize = config.maxImageSize();
        this.cacheMaxBytes = config.cacheMaxBytes();
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.io = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "firmware-images-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(config.downloadTimeout()).executor(io).build();
        this.download = new ImageDownload(http, maxImageSize, config.downloadTimeout());
        loadIndex();
    }

    public void onStart() {
        // creating the bean at start rebuilds the index and reports the cache once
    }

    @PreDestroy
    void close() {
        io.shutdownNow();
    }

    /**
     * The image the source names, from the cache or fetched into it. Fails with {@link ImageUnavailable}, whose
     * message is meant for operators (e.g. "image download failed: HTTP 404 from https://...").
     */
    public CompletionStage<FirmwareImage> resolve(FirmwareImageSource source) {
        Optional<FirmwareImage> cached = source.expectedSha256().flatMap(this::find);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(cached.get());
        }
        if (source instanceof FirmwareImageSource.Inline inline) {
            return submit(() -> storeInline(inline.bytes()));
        }
        FirmwareImageSource.FromUrl fromUrl = (FirmwareImageSource.FromUrl) source;
        String key = fromUrl.url() + " " + fromUrl.expectedSha256().orElse("");
        CompletableFuture<FirmwareImage> shared;
        synchronized (this) {
            shared = downloads.get(key);
            if (shared != null) {
                return relay(shared);
            }
            shared = new CompletableFuture<>();
            downloads.put(key, shared);
        }
        CompletableFuture<FirmwareImage> mine = shared;
        CompletionStage<FirmwareImage> result = relay(mine);
        // the outcome is logged on a download thread with the fields of the update that asked first
        UpdateLogContext.Captured caller = UpdateLogContext.captured();
        fetch(fromUrl.url(), fromUrl.expectedSha256(), caller).whenComplete((image, error) -> {
            synchronized (this) {
                downloads.remove(key);
            }
            if (error != null) {
                Throwable cause = unwrap(error);
                caller.log(() -> LOG.warnf("firmware image unavailable: %s", cause.getMessage()));
                mine.completeExceptionally(cause);
            } else {
                mine.complete(image);
            }
        });
        return result;
    }

    /** What one caller gets from a shared download: the image (counted as a use) or the unwrapped failure. */
    private CompletionStage<FirmwareImage> relay(CompletableFuture<FirmwareImage> shared) {
        CompletableFuture<FirmwareImage> mine = new CompletableFuture<>();
        shared.whenComplete((image, error) -> {
            if (error != null) {
                mine.completeExceptionally(unwrap(error));
            } else {
                mine.complete(touched(image));
            }
        });
        return mine;
    }

    /** The cached image with this digest (64 lower-case hex digits), if any; counts as a use. */
    public synchronized Optional<FirmwareImage> find(String sha256) {
        Entry entry = index.get(sha256);
        if (entry == null) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(entry.image.file())) {
            index.remove(sha256);
            uses.removed(sha256);
            LOG.warnf("firmware image %s vanished from %s", sha256, directory);
            return Optional.empty();
        }
        used(entry);
        return Optional.of(entry.image);
    }

    /** Marks the image as in use by one more update: it is not evicted until as many {@link #unpin} calls. */
    public synchronized void pin(FirmwareImage image) {
        Entry entry = index.get(image.sha256());
        if (entry == null && Files.isRegularFile(image.file())) {
            entry = new Entry(image, clock.millis());
            index.put(image.sha256(), entry);
        }
        if (entry != null) {
            entry.pins++;
        }
    }

    /** One update no longer uses the image. */
    public synchronized void unpin(FirmwareImage image) {
        Entry entry = index.get(image.sha256());
        if (entry != null && entry.pins > 0) {
            entry.pins--;
        }
    }

    /** Bytes held in the cache now. */
    public synchronized long cachedBytes() {
        return index.values().stream().mapToLong(e -> e.image.size()).sum();
    }

    private CompletionStage<FirmwareImage> fetch(URI url, Optional<String> expected,
            UpdateLogContext.Captured caller) {
        Path temp;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, "download-", ".part");
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ImageUnavailable("image cache " + directory
                    + " is not writable: " + e.getMessage()));
        }
        long started = clock.millis();
        return download.fetch(url, temp).handleAsync((got, error) -> {
            if (error != null) {
                ImageDownload.deleteQuietly(temp);
                throw new CompletionException(unwrap(error));
            }
            if (got.size() == 0) {
                ImageDownload.deleteQuietly(temp);
                throw new ImageUnavailable("image download failed: the image at " + url + " is empty");
            }
            if (expected.isPresent() && !expected.get().equals(got.sha256())) {
                ImageDownload.deleteQuietly(temp);
                throw new ImageUnavailable("image sha256 mismatch: " + url + " has " + got.sha256() + ", expected "
                        + expected.get());
            }
            FirmwareImage image = moveIntoCache(temp, got.sha256(), got.size());
            caller.log(() -> LOG.infof("firmware image %s downloaded from %s (%d bytes in %d ms)", got.sha256(), url,
                    got.size(), clock.millis() - started));
            return image;
        }, io);
    }

    private FirmwareImage storeInline(byte[] bytes) {
        if (bytes.length > maxImageSize) {
            throw new ImageUnavailable("inline image of " + bytes.length + " bytes is larger than the limit of "
                    + maxImageSize + " bytes");
        }
        String sha256 = sha256(bytes);
        Optional<FirmwareImage> cached = find(sha256);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, "inline-", ".part");
            try {
                Files.write(temp, bytes);
                return moveIntoCache(temp, sha256, bytes.length);
            } finally {
                ImageDownload.deleteQuietly(temp);
            }
        } catch (IOException e) {
            throw new ImageUnavailable("image cache " + directory + " is not writable: " + e.getMessage());
        }
    }

    /** Gives a hashed temporary file its final name (atomically) and evicts what the new image pushes out. */
    private synchronized FirmwareImage moveIntoCache(Path temp, String sha256, long size) {
        Path target = directory.resolve(sha256 + ".bin");
        try {
            if (Files.exists(target)) {
                ImageDownload.deleteQuietly(temp);
            } else {
                AtomicFile.moveIntoPlace(temp, target);
            }
        } catch (IOException e) {
            ImageDownload.deleteQuietly(temp);
            throw new UncheckedIOException(e);
        }
        FirmwareImage image = new FirmwareImage(sha256, target, size);
        Entry entry = index.computeIfAbsent(sha256, d -> new Entry(image, 0));
        used(entry);
        evict(sha256);
        return entry.image;
    }

    /** Removes least recently used images until the cache fits, sparing pinned and just-resolved ones. */
    private void evict(String keep) {
        long total = index.values().stream().mapToLong(e -> e.image.size()).sum();
        long graceStart = clock.millis() - RESOLVE_GRACE.toMillis();
        var candidates = index.values().stream()
                .filter(e -> e.pins == 0 && !e.image.sha256().equals(keep) && e.lastUsed < graceStart)
                .sorted(Comparator.comparingLong(e -> e.lastUsed)).toList();
        for (Entry victim : candidates) {
            if (total <= cacheMaxBytes) {
                return;
            }
            ImageDownload.deleteQuietly(victim.image.file());
            index.remove(victim.image.sha256());
            uses.removed(victim.image.sha256());
            total -= victim.image.size();
            LOG.infof("firmware image %s evicted from the cache (%d bytes)", victim.image.sha256(),
                    victim.image.size());
        }
        if (total > cacheMaxBytes) {
            LOG.warnf("firmware image cache holds %d bytes, over its limit of %d: the rest is in use", total,
                    cacheMaxBytes);
        }
    }

    private synchronized FirmwareImage touched(FirmwareImage image) {
        Entry entry = index.get(image.sha256());
        if (entry != null) {
            used(entry);
        }
        return image;
    }

    private void used(Entry entry) {
        entry.lastUsed = clock.millis();
        uses.used(entry.image.sha256(), entry.lastUsed);
    }

    private void loadIndex() {
        if (!Files.isDirectory(directory)) {
            LOG.infof("firmware image cache %s is empty", directory);
            return;
        }
        long total = 0;
        Map<String, Long> recorded = new HashMap<>(uses.lastUses());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".part")) {
                    // a download or inline store that was cut short by a crash
                    ImageDownload.deleteQuietly(file);
                } else if (IMAGE_FILE.matcher(name).matches() && Files.size(file) > 0) {
                    FirmwareImage image = new FirmwareImage(name.substring(0, 64), file, Files.size(file));
                    Long lastUsed = recorded.remove(image.sha256());
                    index.put(image.sha256(), new Entry(image, lastUsed != null ? lastUsed
                            : Files.getLastModifiedTime(file).toMillis()));
                    total += image.size();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the firmware image cache " + directory, e);
        }
        recorded.keySet().forEach(uses::removed); // recorded, but the file is gone
        LOG.infof("firmware image cache %s holds %d images, %d bytes", directory, index.size(), total);
    }

    private CompletionStage<FirmwareImage> submit(java.util.function.Supplier<FirmwareImage> work) {
        CompletableFuture<FirmwareImage> result = new CompletableFuture<>();
        io.execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e instanceof UncheckedIOException
                        ? new ImageUnavailable("image cache " + directory + ": " + e.getMessage()) : e);
            }
        });
        return result;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof UncheckedIOException io) {
            return new ImageUnavailable("image cache: " + io.getCause().getMessage());
        }
        return cause;
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
