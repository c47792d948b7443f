package io.lwm2mgw.firmware;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;

/**
 * One download of an image over http or https into a temporary file, hashed as it arrives; no thread waits on
 * the network. Fails with {@link ImageUnavailable} on a non-2xx answer, a body over the size limit, a connection
 * failure or the overall timeout; the temporary file is deleted on failure.
 */
final class ImageDownload {

    /** What arrived: the temporary file, its SHA-256 as lower-case hex, its size in bytes. */
    record Downloaded(Path file, String sha256, long size) { }

    private final HttpClient http;
    private final long maxSize;
    private final Duration timeout;

    ImageDownload(HttpClient http, long maxSize, Duration timeout) {
        this.http = http;
        this.maxSize = maxSize;
        this.timeout = timeout;
    }

    CompletionStage<Downloaded> fetch(URI url, Path temp) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        ToFile[] body = new ToFile[1];
        CompletableFuture<HttpResponse<Long>> sending = http.sendAsync(request, info -> {
            if (info.statusCode() / 100 != 2) {
                return HttpResponse.BodySubscribers.replacing(-1L);
            }
            long announced = info.headers().firstValueAsLong("content-length").orElse(-1);
            body[0] = new ToFile(temp, url, announced > maxSize ? announced : -1);
            return body[0];
        });
        // the timeout on a copy, so that cancelling the original still aborts the exchange
        return sending.copy().orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        sending.cancel(true);
                        if (body[0] != null) {
                            body[0].cancel();
                        }
                        throw new ImageUnavailable(describe(unwrap(error), url));
                    }
                    if (response.statusCode() / 100 != 2) {
                        throw new ImageUnavailable("image download failed: HTTP " + response.statusCode() + " from "
                                + url);
                    }
                    return new Downloaded(temp, body[0].sha256(), response.body());
                });
    }

    private String describe(Throwable error, URI url) {
        if (error instanceof ImageUnavailable) {
            return error.getMessage();
        }
        if (error instanceof TimeoutException || error instanceof HttpTimeoutException) {
            String limit = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
            return "image download failed: no complete answer within " + limit + " from " + url;
        }
        if (error instanceof ConnectException) {
            return "image download failed: cannot connect to " + url.getHost()
                    + (url.getPort() < 0 ? "" : ":" + url.getPort()) + " for " + url;
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return "image download failed: " + message + " from " + url;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Writes the body to a file as it arrives, hashing and counting; stops as soon as the body is over the limit
     * and then completes at once rather than waiting for the rest. Flow calls are serial; {@link #cancel} may come
     * from a timer thread.
     */
    private final class ToFile implements HttpResponse.BodySubscriber<Long> {
        private final Path file;
        private final URI url;
        private final MessageDigest sha;
        private final long announcedTooLarge;
        private final CompletableFuture<Long> result = new CompletableFuture<>();
        private FileChannel channel;
        private volatile Flow.Subscription subscription;
        private long size;

        ToFile(Path file, URI url, long announcedTooLarge) {
            this.file = file;
            this.url = url;
            this.announcedTooLarge = announcedTooLarge;
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (announcedTooLarge > 0) {
                fail(tooLarge(" (" + announcedTooLarge + " bytes announced)"));
                return;
            }
            try {
                channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                fail(new ImageUnavailable("image download failed: cannot write " + file + ": " + e.getMessage()));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer buffer : buffers) {
                    size += buffer.remaining();
                    if (size > maxSize) {
                        fail(tooLarge(""));
                        return;
                    }
                    sha.update(buffer.duplicate());
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            } catch (IOException e) {
                fail(new ImageUnavailable("image download failed: cannot write " + file + ": " + e.getMessage()));
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            close();
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            close();
            result.complete(size);
        }

        String sha256() {
            return HexFormat.of().formatHex(sha.digest());
        }

        void cancel() {
            fail(new ImageUnavailable("image download cancelled: " + url));
        }

        private void fail(ImageUnavailable failure) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            close();
            result.completeExceptionally(failure);
        }

        private ImageUnavailable tooLarge(String announced) {
            return new ImageUnavailable("image download failed: the image at " + url + " is larger than the limit of "
                    + maxSize + " bytes" + announced);
        }

        private synchronized void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the file is deleted by the caller on failure
                }
                channel = null;
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover .part file is removed at the next start
        }
    }
}
