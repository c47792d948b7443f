package io.lwm2mgw.southbound.lwm2m.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps a {@link CredentialStore} in step with the credentials file. A Kubernetes Secret volume is updated by
 * swapping a symbolic link, which file-system events report unreliably, so the file is polled: its resolved
 * content is read and compared by digest, and only a change is parsed and installed. A file that does not
 * parse is logged once and the previous credentials stay in force.
 */
public final class CredentialsFileWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CredentialsFileWatcher.class);

    private final Path file;
    private final CredentialStore store;
    private final ScheduledExecutorService poller;
    private byte[] lastDigest = new byte[0];

    private CredentialsFileWatcher(Path file, CredentialStore store) {
        this.file = file;
        this.store = store;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "credentials-file-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads the file into the store (throws {@link IllegalStateException} when it cannot be read or parsed, so
     * the gateway does not start with credentials it did not mean) and polls it every {@code interval}.
     */
    public static CredentialsFileWatcher start(Path file, CredentialStore store, Duration interval) {
        CredentialsFileWatcher watcher = new CredentialsFileWatcher(file, store);
        try {
            watcher.load(Files.readAllBytes(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("credentials file " + file + ": " + e.getMessage());
        }
        watcher.poller.scheduleWithFixedDelay(watcher::poll, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** Reads the file now and installs it when its content changed; safe to call from any thread. */
    public synchronized void poll() {
        byte[] content;
        try {
            content = Files.readAllBytes(file.toRealPath());
        } catch (IOException e) {
            remember(digest(new byte[0]), "credentials file %s cannot be read (%s); keeping the previous credentials",
                    e.getMessage());
            return;
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, lastDigest)) {
            return;
        }
        try {
            load(content);
        } catch (IllegalArgumentException e) {
            remember(digest, "credentials file %s is invalid (%s); keeping the previous credentials", e.getMessage());
        }
    }

    private void load(byte[] content) {
        Credentials next = Credentials.parse(content);
        int changed = store.replace(next);
        lastDigest = digest(content);
        LOG.infof("credentials loaded from %s: %d devices, %d bootstrap configurations, %d changed or removed",
                file, next.devices().size(), next.bootstrap().size(), changed);
    }

    /** Logs a problem once per content: a bad file is not reported again until it changes. */
    private void remember(byte[] digest, String format, String detail) {
        if (!Arrays.equals(digest, lastDigest)) {
            LOG.warnf(format, file, detail);
            lastDigest = digest;
        }
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
