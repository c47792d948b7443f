package io.lwm2mgw.state.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.jboss.logging.Logger;

/**
 * H2's MVStore in one file, with durable commits: a change is durable once a commit that followed it was
 * written and fsync'd ({@link #durable()}). Commits are grouped: every caller that asks while one is being
 * written waits for the next, so a burst of changes from many threads costs one fsync. MVStore's background
 * commits are off: every commit is made here, on one thread. The file is locked by MVStore while open, so a
 * second process on it refuses to start. Thread-safe.
 */
final class MvStoreEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MvStoreEngine.class);

    /** The engine's file in its folder. */
    static final String FILE = "state.mv.db";

    private final Path file;
    /** Replaced by a fresh one after a failed write closed it (MVStore's panic); see {@link #current()}. */
    private volatile MVStore store;
    private volatile boolean closing;
    private final ExecutorService committer;
    private final Object lock = new Object();
    /** Callers waiting for the next commit; guarded by lock. */
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private boolean scheduled;
    /** Commits since the file's fill rate was last checked; only the committer thread touches it. */
    private int sinceCompaction;

    private MvStoreEngine(Path file, MVStore store) {
        this.file = file;
        this.store = store;
        this.committer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "state-commit");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (or creates) the engine's file in {@code directory}; an unusable or locked file is one clear error. */
    static MvStoreEngine open(Path directory) {
        Path file = directory.resolve(FILE);
        try {
            Files.createDirectories(directory);
            return new MvStoreEngine(file, openStore(file));
        } catch (IOException | MVStoreException e) {
            String why = e instanceof MVStoreException m && m.getErrorCode() == DataUtils.ERROR_FILE_LOCKED
                    ? "it is in use by another gateway process" : reason(e);
            throw new IllegalStateException("gateway.state.directory: cannot open " + file + ": " + why, e);
        }
    }

    /**
     * MVStore's page cache, MiB. Its default, 16 MiB, ends up holding every registration snapshot read or
     * written (about 1.1 KB each, so 1.1 KB of heap per registered device up to 15k devices: a fifth of S5's
     * figure), yet the gateway reads the file only at start and when it takes a registration over; a write
     * needs only the leaf it changes.
     */
    static final int CACHE_MB = 1;

    private static MVStore openStore(Path file) {
        // no background commits: every commit is ours and fsync'd before the next one is written, so the
        // space of chunks that were dead at the last fsync may be reused at once (retention 0)
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled()
                .cacheSize(CACHE_MB).open();
        store.setRetentionTime(0);
        return store;
    }

    Path file() {
        return file;
    }

    /**
     * One named map, created empty on first use. Ask for it at each use rather than keeping it: after a failed
     * write (a full disk) MVStore closes itself, and the next use reopens the file, which still holds
     * everything committed before; what was changed but not committed then is lost, and the stores redo it
     * (their writes were reported failed).
     */
    <K, V> MVMap<K, V> map(String name) {
        return current().openMap(name);
    }

    private MVStore current() {
        MVStore s = store;
        if (s.isClosed() && !closing) {
            synchronized (this) {
                if (store.isClosed() && !closing) {
                    store = openStore(file);
                    LOG.infof("state engine %s opened again after a failed write", file);
                }
                s = store;
            }
        }
        return s;
    }

    /** Completes once every change made before this call is written and fsync'd; fails when it cannot be. */
    CompletableFuture<Void> durable() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            waiting.add(done);
            if (!scheduled) {
                try {
                    committer.execute(this::commitWaiting);
                    scheduled = true;
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    waiting.remove(done);
                    done.completeExceptionally(new IllegalStateException("the state engine is closed"));
                }
            }
        }
        return done;
    }

    /** {@link #durable()}, waited for: an IOException naming the cause when the change could not be written. */
    void commit() throws IOException {
        try {
            durable().join();
        } catch (CompletionException e) {
            throw new IOException(reason(e.getCause()), e.getCause());
        }
    }

    private void commitWaiting() {
        List<CompletableFuture<Void>> batch;
        synchronized (lock) {
            batch = waiting;
            waiting = new ArrayList<>();
            scheduled = false;
        }
        try {
            MVStore s = current();
            s.commit();
            s.sync();
            batch.forEach(f -> f.complete(null));
        } catch (RuntimeException e) {
            batch.forEach(f -> f.completeExceptionally(e));
            return;
        }
        if (++sinceCompaction >= COMPACT_EVERY) {
            sinceCompaction = 0;
            compact();
        }
    }

    /**
     * Commits between two compactions: chunks less than half live are rewritten then, at most 4 MB at a time
     * (measured: 5,000 registrations rewritten six times keep the file at 30-36 MB, see docs/benchmarks.md).
     */
    private static final int COMPACT_EVERY = 1000;

    private void compact() {
        try {
            MVStore s = current();
            if (s.compact(50, 4 * 1024 * 1024)) {
                s.commit();
                s.sync();
            }
        } catch (RuntimeException e) {
            LOG.warnf("state engine %s: compaction failed, retried later: %s", file, reason(e));
        }
    }

    /** One line for operators: MVStore's message without its error code suffix. */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int code = message.lastIndexOf(" [");
        return code > 0 ? message.substring(0, code) : message;
    }

    /** Writes what is pending and closes the file. */
    @Override
    public void close() {
        closing = true;
        committer.shutdown();
        try {
            committer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!store.isClosed()) {
            store.close();
        }
    }

    /** Closes the file without writing anything more, as a crash would (tests). */
    void abandon() {
        closing = true;
        committer.shutdownNow();
        store.closeImmediately();
    }
}
