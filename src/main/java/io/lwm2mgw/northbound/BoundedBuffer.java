package io.lwm2mgw.northbound;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A FIFO of bounded capacity that never blocks the producer: when full, the oldest element is dropped and
 * counted. Many producers, one consumer. Thread-safe.
 */
public final class BoundedBuffer<T> {

    private final int capacity;
    private final ArrayDeque<T> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();

    public BoundedBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Appends {@code element}; returns true when the oldest element had to be dropped to make room. */
    public boolean offer(T element) {
        lock.lock();
        try {
            boolean overflow = queue.size() >= capacity;
            if (overflow) {
                queue.pollFirst();
                dropped.incrementAndGet();
            }
            queue.addLast(element);
            notEmpty.signal();
            return overflow;
        } finally {
            lock.unlock();
        }
    }

    /** Puts an element back at the head (it was taken but could not be delivered); never drops. */
    public void returnToHead(T element) {
        lock.lock();
        try {
            queue.addFirst(element);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the head, waiting at most {@code timeout}; null when none arrived in time. */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** How many elements were dropped because the buffer was full, since creation. */
    public long dropped() {
        return dropped.get();
    }
}
