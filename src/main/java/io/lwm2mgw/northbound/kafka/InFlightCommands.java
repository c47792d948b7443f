package io.lwm2mgw.northbound.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Counts the Kafka commands under way and holds the intake back at a maximum: {@link #take()} answers a stage
 * that completes once fewer than the maximum are under way. The channel takes one record at a time, so at most
 * one stage waits. Thread-safe.
 */
final class InFlightCommands {

    private static final CompletionStage<Void> ADMITTED = CompletableFuture.completedFuture(null);

    private final int max;
    private int count;
    private CompletableFuture<Void> waiting;

    InFlightCommands(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1, was " + max);
        }
        this.max = max;
    }

    /** One more command under way; the stage completes when the intake may take the next one. */
    synchronized CompletionStage<Void> take() {
        count++;
        if (count < max) {
            return ADMITTED;
        }
        waiting = new CompletableFuture<>();
        return waiting;
    }

    /** One command ended. */
    void ended() {
        CompletableFuture<Void> resume = null;
        synchronized (this) {
            count--;
            if (waiting != null && count < max) {
                resume = waiting;
                waiting = null;
            }
        }
        if (resume != null) {
            resume.complete(null); // outside the lock: it runs the intake's next step
        }
    }

    synchronized int count() {
        return count;
    }
}
