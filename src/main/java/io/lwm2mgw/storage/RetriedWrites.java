package io.lwm2mgw.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * A store's writes, done on its own writer thread and retried until they succeed: a full or failing disk
 * keeps them pending, retried with a doubling delay, the store reported failing in {@link StoreHealth}
 * (readiness DOWN) and one WARN logged; once a retry succeeds the store is reported healthy and one INFO
 * logged. Writes are keyed (a registration id, a campaign id): a newer write replaces an unwritten one of
 * the same key, so memory is bounded by the number of keys, which the caller keeps in memory anyway.
 * Thread-safe.
 */
public final class RetriedWrites implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RetriedWrites.class);

    /** One write to the disk; it reads what to write when it runs, so a retry writes the latest state. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    private final String store;
    private final StoreHealth health;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Map<String, Write> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ScheduledExecutorService writer;
    private volatile boolean closed;
    private Duration delay;
    private long retries;

    /**
     * @param store short name for logs and readiness, e.g. "registrations"
     * @param firstDelay delay before the first retry of a failed write; doubled on every failure
     * @param maxDelay longest delay between two retries
     */
    public RetriedWrites(String store, StoreHealth health, Duration firstDelay, Duration maxDelay) {
        this.store = store;
        this.health = health;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.delay = firstDelay;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, store + "-writer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.writer = executor;
    }

    /** Writes {@code write} soon, on the writer thread; replaces an unwritten write of the same key. */
    public void submit(String key, Write write) {
        pending.put(key, write);
        if (closed) {
            drain();
        } else if (scheduled.compareAndSet(false, true)) {
            schedule(Duration.ZERO);
        }
    }

    /** Writes not yet on disk (waiting, or failed and waiting for a retry). */
    public int pending() {
        return pending.size();
    }

    /** True while the last attempt failed and a retry is due. */
    public boolean failing() {
        return health.failures().containsKey(store);
    }

    private void schedule(Duration after) {
        try {
            writer.schedule(this::drainScheduled, after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // closing: close() writes what is pending
        }
    }

    private void drainScheduled() {
        scheduled.set(false);
        if (!drain() && !closed && scheduled.compareAndSet(false, true)) {
            schedule(delay);
            Duration doubled = delay.multipliedBy(2);
            delay = doubled.compareTo(maxDelay) > 0 ? maxDelay : doubled;
        }
    }

    /** One attempt at every pending write; false when one failed (it stays pending, later ones wait). */
    private synchronized boolean drain() {
        for (Map.Entry<String, Write> entry : pending.entrySet()) {
            String key = entry.getKey();
            Write write = entry.getValue();
            try {
                write.run();
                pending.remove(key, write);
            } catch (RuntimeException e) {
                // not the disk: this one change cannot be written at all, retrying would block the others
                pending.remove(key, write);
                LOG.errorf("%s: change of %s cannot be written and is dropped: %s", store, key, e.getMessage());
            } catch (IOException e) {
                retries++;
                if (!failing()) {
                    String reason = AtomicFile.reason(e);
                    health.failing(store, reason);
                    LOG.warnf("%s: cannot write to disk (%s); %d changes are kept in memory and retried, at most %d ms "
                            + "apart, until the disk takes them; readiness is DOWN meanwhile", store, reason,
                            pending.size(), maxDelay.toMillis());
                }
                return false; // the disk refuses: the rest would fail the same way
            }
        }
        if (failing()) {
            health.recovered(store);
            LOG.infof("%s: written to disk again after %d failed attempts", store, retries);
        }
        retries = 0;
        delay = firstDelay;
        return true;
    }

    /** Stops the writer after one last attempt at what is pending; later writes are written at once. */
    @Override
    public void close() {
        closed = true;
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!drain()) {
            LOG.warnf("%s: %d changes were not written before stopping", store, pending.size());
        }
    }
}
