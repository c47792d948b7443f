package io.lwm2mgw.northbound;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink's queue of messages waiting for its broker, with two policies. Telemetry waits in a bounded FIFO that
 * drops its oldest entry when full (a newer reading replaces an older one). Everything else (results,
 * statuses, lifecycle events, campaign statuses) is never dropped: it waits, through any outage, and is taken
 * before telemetry. Each MQTT topic and Kafka topic belongs to one channel, so order per topic is kept.
 * Many producers, one consumer; thread-safe; {@link #offer} never blocks.
 */
public final class OutboundQueue {

    /** A queued message and the stage its sink completes once the broker confirmed it. */
    public record Entry(OutboundMessage message, CompletableFuture<Void> confirmed) { }

    private final int telemetryCapacity;
    private final ArrayDeque<Entry> reliable = new ArrayDeque<>();
    private final ArrayDeque<Entry> telemetry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();
    /** Telemetry was dropped since {@link #takeOverflow()} last looked; guarded by {@link #lock}. */
    private boolean overflowed;

    public OutboundQueue(int telemetryCapacity) {
        if (telemetryCapacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.telemetryCapacity = telemetryCapacity;
        this.telemetry = new ArrayDeque<>(Math.min(telemetryCapacity, 1024));
    }

    /** Whether messages of this channel may be dropped when the telemetry buffer is full. */
    public static boolean droppable(OutboundMessage.Channel channel) {
        return channel.telemetry();
    }

    /**
     * Appends {@code message}; the returned stage completes when the sink confirms it, or at once when a full
     * telemetry buffer drops it (telemetry is never waited for).
     */
    public Entry offer(OutboundMessage message) {
        Entry entry = new Entry(message, new CompletableFuture<>());
        Entry evicted = null;
        lock.lock();
        try {
            if (droppable(message.channel())) {
                if (telemetry.size() >= telemetryCapacity) {
                    evicted = telemetry.pollFirst();
                    dropped.incrementAndGet();
                    overflowed = true;
                }
                telemetry.addLast(entry);
            } else {
                reliable.addLast(entry);
            }
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        if (evicted != null) {
            evicted.confirmed().complete(null);
        }
        return entry;
    }

    /** True once since the last call if telemetry was dropped meanwhile (for a log line per overflow episode). */
    public boolean takeOverflow() {
        lock.lock();
        try {
            boolean was = overflowed;
            overflowed = false;
            return was;
        } finally {
            lock.unlock();
        }
    }

    /** Puts an entry back at the head of its queue (taken but not delivered); never drops. */
    public void returnToHead(Entry entry) {
        lock.lock();
        try {
            (droppable(entry.message().channel()) ? telemetry : reliable).addFirst(entry);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next entry, never-dropped ones first, waiting at most {@code timeout}; null when none came. */
    public Entry poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (reliable.isEmpty() && telemetry.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return reliable.isEmpty() ? telemetry.pollFirst() : reliable.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Everything waiting. */
    public int size() {
        lock.lock();
        try {
            return reliable.size() + telemetry.size();
        } finally {
            lock.unlock();
        }
    }

    public int telemetryCapacity() {
        return telemetryCapacity;
    }

    /** Telemetry dropped because its buffer was full, since creation. */
    public long dropped() {
        return dropped.get();
    }
}
