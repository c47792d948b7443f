package io.lwm2mgw.sim;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/** Counters of a fleet, updated by its threads and read by anyone. */
public final class FleetStats {

    public final LongAdder registered = new LongAdder();
    public final LongAdder registrationsFailed = new LongAdder();
    public final LongAdder updates = new LongAdder();
    public final LongAdder deregistered = new LongAdder();
    public final LongAdder retransmissions = new LongAdder();
    public final LongAdder notificationsSent = new LongAdder();
    public final LongAdder observationsActive = new LongAdder();
    public final LongAdder requestsServed = new LongAdder();
    public final LongAdder reads = new LongAdder();
    public final LongAdder writes = new LongAdder();
    public final LongAdder executes = new LongAdder();
    public final LongAdder observes = new LongAdder();
    public final LongAdder blocksReceived = new LongAdder();
    public final LongAdder firmwareBytes = new LongAdder();
    public final LongAdder firmwareWritesCompleted = new LongAdder();
    public final LongAdder firmwareUpdatesApplied = new LongAdder();
    public final LongAdder sendFailures = new LongAdder();
    public final LongAdder droppedAsleep = new LongAdder();
    public final LongAdder malformed = new LongAdder();

    /** System.nanoTime() of the first Register sent and of the last 2.01 received. */
    public final java.util.concurrent.atomic.AtomicLong firstRegisterSent = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    public final java.util.concurrent.atomic.AtomicLong lastRegistered = new java.util.concurrent.atomic.AtomicLong();

    private long[] registrationMicros = new long[1024];
    private int registrationCount;

    synchronized void recordRegistration(long micros) {
        lastRegistered.accumulateAndGet(System.nanoTime(), Math::max);
        if (registrationCount == registrationMicros.length) {
            registrationMicros = Arrays.copyOf(registrationMicros, registrationCount * 2);
        }
        registrationMicros[registrationCount++] = micros;
    }

    /** Round trips from first sending Register to its 2.01, microseconds, sorted. */
    public synchronized long[] registrationLatencies() {
        long[] copy = Arrays.copyOf(registrationMicros, registrationCount);
        Arrays.sort(copy);
        return copy;
    }

    /** Wall-clock time in microseconds since the epoch: what timestamped notifications carry. */
    public static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** The value at quantile {@code q} (0..1) of a sorted array, or 0 when empty. */
    public static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    @Override
    public String toString() {
        return "registered=" + registered.sum() + " failed=" + registrationsFailed.sum() + " updates=" + updates.sum()
                + " observations=" + observationsActive.sum() + " notifications=" + notificationsSent.sum()
                + " requests=" + requestsServed.sum() + " (read " + reads.sum() + ", write " + writes.sum()
                + ", execute " + executes.sum() + ", observe " + observes.sum() + ") blocks=" + blocksReceived.sum()
                + " firmware=" + firmwareWritesCompleted.sum() + " retransmissions=" + retransmissions.sum()
                + " sendFailures=" + sendFailures.sum();
    }
}
