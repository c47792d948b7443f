package io.lwm2mgw.southbound.lwm2m.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * DTLS records that crossed between replicas, totals since start, for the metrics. "Forwarded out": records for a
 * session another replica holds, sent on to it; "forwarded in": such records received from another replica and
 * processed here; "backwarded out": this replica's records to a device sent through the replica the device's last
 * record arrived at; "backwarded in": records other replicas gave this one to send to their devices. Thread-safe.
 */
public final class ClusterCounters {

    private final LongAdder forwardedOut = new LongAdder();
    private final LongAdder forwardedIn = new LongAdder();
    private final LongAdder backwardedOut = new LongAdder();
    private final LongAdder backwardedIn = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public long forwardedOut() {
        return forwardedOut.sum();
    }

    public long forwardedIn() {
        return forwardedIn.sum();
    }

    public long backwardedOut() {
        return backwardedOut.sum();
    }

    public long backwardedIn() {
        return backwardedIn.sum();
    }

    /** Records that could not cross: the owner unknown or silent, or the cluster socket refused them. */
    public long dropped() {
        return dropped.sum();
    }

    /** Records from the cluster port whose MAC did not verify (forged, or another cluster key). */
    public long refused() {
        return refused.sum();
    }

    public void countForwardedOut(boolean sent) {
        (sent ? forwardedOut : dropped).increment();
    }

    public void countForwardedIn() {
        forwardedIn.increment();
    }

    public void countBackwardedOut(boolean sent) {
        (sent ? backwardedOut : dropped).increment();
    }

    public void countBackwardedIn() {
        backwardedIn.increment();
    }

    public void countRefused() {
        refused.increment();
    }
}
