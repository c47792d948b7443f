package io.lwm2mgw.firmware;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.domain.firmware.FirmwareImageSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The local image cache, keyed by digest (first version: download and store, no eviction). */
@ApplicationScoped
public class FirmwareImageStore {

    private final Path directory;
    private final long maxSize;
    private final java.time.Duration timeout;
    private final HttpClient http;

    public FirmwareImageStore(GatewayConfig config) {
        this.directory = config.firmware().imageDirectory();
        this.maxSize = config.firmware().maxImageSize();
        this.timeout = config.firmware().downloadTimeout();
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public CompletionStage<FirmwareImage> resolve(FirmwareImageSource source) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Files.createDirectories(directory);
                Path temp = Files.createTempFile(directory, "download-", ".part");
                try {
                    InputStream in;
                    if (source instanceof FirmwareImageSource.Inline inline) {
                        in = new java.io.ByteArrayInputStream(inline.bytes());
                    } else {
                        var url = ((FirmwareImageSource.FromUrl) source).url();
                        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(url).timeout(timeout)
                                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                        if (response.statusCode() / 100 != 2) {
                            response.body().close();
                            throw new ImageUnavailable("image download failed: HTTP " + response.statusCode()
                                    + " from " + url);
                        }
                        in = response.body();
                    }
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    long size;
                    try (in; OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                        size = in.transferTo(out);
                    }
                    if (size > maxSize) {
                        throw new ImageUnavailable("image is larger than " + maxSize + " bytes");
                    }
                    String digest = HexFormat.of().formatHex(sha.digest());
                    if (source.expectedSha256().isPresent() && !source.expectedSha256().get().equals(digest)) {
                        throw new ImageUnavailable("image sha256 is " + digest + ", expected "
                                + source.expectedSha256().get());
                    }
                    Path target = directory.resolve(digest + ".bin");
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return new FirmwareImage(digest, target, size);
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new ImageUnavailable("image unavailable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageUnavailable("image download interrupted");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public void pin(FirmwareImage image) {
    }

    public void unpin(FirmwareImage image) {
    }
}
