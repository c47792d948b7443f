package io.lwm2mgw.southbound.lwm2m;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.core.network.deduplication.Deduplicator;

/**
 * Californium's deduplication store (the exchanges of recently received message ids, to answer a
 * retransmission with the same response and drop a duplicate notification), bounded three ways: per peer
 * (the oldest of a device's entries goes when it has {@code perPeer}), in total (the oldest of all goes at
 * {@code maxEntries}) and in time (an entry of a NON message is kept for NON_LIFETIME, of a CON for
 * EXCHANGE_LIFETIME). Californium's own per-peer store keeps every entry for EXCHANGE_LIFETIME with no total:
 * at one NON notification a second, 64 exchanges of about 3 KB per device for 247 s, which a fleet of a few
 * thousand devices turns into an OutOfMemoryError. Evicting early only means a late duplicate is processed
 * again (one more telemetry message, at-least-once as the rest of the pipeline). Thread-safe: one lock, held
 * for a map operation (protocol threads) or one sweep of what expired (the store's executor).
 */
final class BoundedDeduplicator implements Deduplicator {

    private static final class Entry {
        final Object peer;
        final long expiresNanos;
        Exchange exchange;

        Entry(Object peer, long expiresNanos, Exchange exchange) {
            this.peer = peer;
            this.expiresNanos = expiresNanos;
            this.exchange = exchange;
        }
    }

    private final int perPeer;
    private final int maxEntries;
    private final long conLifetimeNanos;
    private final long nonLifetimeNanos;
    private final long sweepIntervalMillis;
    /** Insertion order: the head is the oldest entry of all. */
    private final LinkedHashMap<KeyMID, Entry> entries = new LinkedHashMap<>();
    private final Map<Object, ArrayDeque<KeyMID>> byPeer = new HashMap<>();
    private final LongAdder evictedEarly = new LongAdder();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> sweeper;

    BoundedDeduplicator(int perPeer, int maxEntries, long conLifetimeMillis, long nonLifetimeMillis,
            long sweepIntervalMillis) {
        this.perPeer = perPeer;
        this.maxEntries = maxEntries;
        this.conLifetimeNanos = TimeUnit.MILLISECONDS.toNanos(conLifetimeMillis);
        this.nonLifetimeNanos = TimeUnit.MILLISECONDS.toNanos(nonLifetimeMillis);
        this.sweepIntervalMillis = sweepIntervalMillis;
    }

    @Override
    public synchronized void start() {
        if (sweeper == null && executor != null) {
            sweeper = executor.scheduleWithFixedDelay(this::sweep, sweepIntervalMillis, sweepIntervalMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (sweeper != null) {
            sweeper.cancel(false);
            sweeper = null;
        }
        clear();
    }

    @Override
    public synchronized void setExecutor(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public synchronized Exchange findPrevious(KeyMID key, Exchange exchange) {
        long now = System.nanoTime();
        Entry previous = entries.get(key);
        if (previous != null) {
            if (previous.expiresNanos - now > 0) {
                return previous.exchange;
            }
            remove(key, previous);
        }
        Entry entry = new Entry(key.getPeer(), now + lifetime(exchange), exchange);
        entries.put(key, entry);
        ArrayDeque<KeyMID> peerKeys = byPeer.computeIfAbsent(entry.peer, p -> new ArrayDeque<>());
        peerKeys.addLast(key);
        if (peerKeys.size() > perPeer) {
            KeyMID oldest = peerKeys.pollFirst();
            entries.remove(oldest);
            evictedEarly.increment();
        }
        if (entries.size() > maxEntries) {
            Iterator<Map.Entry<KeyMID, Entry>> oldest = entries.entrySet().iterator();
            Map.Entry<KeyMID, Entry> head = oldest.next();
            oldest.remove();
            forgetPeerKey(head.getKey(), head.getValue().peer);
            evictedEarly.increment();
        }
        return null;
    }

    @Override
    public synchronized boolean replacePrevious(KeyMID key, Exchange previous, Exchange exchange) {
        Entry entry = entries.get(key);
        if (entry == null || entry.exchange != previous) {
            return false;
        }
        entry.exchange = exchange;
        return true;
    }

    @Override
    public synchronized Exchange find(KeyMID key) {
        Entry entry = entries.get(key);
        return entry != null && entry.expiresNanos - System.nanoTime() > 0 ? entry.exchange : null;
    }

    @Override
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized void clear() {
        entries.clear();
        byPeer.clear();
    }

    /** Entries dropped before their lifetime because a peer or the total reached its bound. */
    long evictedEarly() {
        return evictedEarly.sum();
    }

    /** Removes what expired: one pass over at most {@code maxEntries}, every sweep interval. */
    synchronized void sweep() {
        long now = System.nanoTime();
        Iterator<Map.Entry<KeyMID, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<KeyMID, Entry> next = it.next();
            if (next.getValue().expiresNanos - now <= 0) {
                it.remove();
                forgetPeerKey(next.getKey(), next.getValue().peer);
            }
        }
    }

    private void remove(KeyMID key, Entry entry) {
        entries.remove(key);
        forgetPeerKey(key, entry.peer);
    }

    private void forgetPeerKey(KeyMID key, Object peer) {
        ArrayDeque<KeyMID> peerKeys = byPeer.get(peer);
        if (peerKeys != null) {
            peerKeys.remove(key);
            if (peerKeys.isEmpty()) {
                byPeer.remove(peer);
            }
        }
    }

    private long lifetime(Exchange exchange) {
        // the message the key was made from: a request from the device, or a response (notification) to ours
        Message received = exchange.isOfLocalOrigin() ? exchange.getCurrentResponse() : exchange.getCurrentRequest();
        return received != null && received.getType() == CoAP.Type.NON ? nonLifetimeNanos : conLifetimeNanos;
    }
}
