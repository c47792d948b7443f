package io.lwm2mgw.command;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each device's commands in arrival order, with at most one of them handed to the device at a time: the head
 * goes out when the device is reachable, the rest wait (for a sleeping device, each announced once as
 * {@code queued}). Thread-safe; the router decides what a command's turn means.
 */
final class WaitingCommands {

    /** What {@link #next} found for a device. */
    record Turn(Pending next, List<Pending> toAnnounce) {
        static final Turn NOTHING = new Turn(null, List.of());
    }

    /** Whether the head must wait (its device sleeps, or is not registered again after a restart). */
    interface WaitRule {
        boolean mustWait(Pending head);
    }

    private static final class Queue {
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        boolean busy;
    }

    private final Map<EndpointName, Queue> queues = new ConcurrentHashMap<>();
    private final int maxPerDevice;

    WaitingCommands(int maxPerDevice) {
        this.maxPerDevice = maxPerDevice;
    }

    /** Appends a command; false when its device has {@code maxPerDevice} waiting already. */
    boolean add(Pending pending) {
        Queue queue = queues.computeIfAbsent(pending.request.endpoint(), e -> new Queue());
        synchronized (queue) {
            if (queue.waiting.size() >= maxPerDevice) {
                return false;
            }
            queue.waiting.addLast(pending);
            return true;
        }
    }

    /**
     * The device's next command to hand over, if none is out and the head need not wait; otherwise the waiting
     * commands not yet announced (each is returned once).
     */
    Turn next(EndpointName endpoint, WaitRule rule) {
        Queue queue = queues.get(endpoint);
        if (queue == null) {
            return Turn.NOTHING;
        }
        synchronized (queue) {
            if (queue.busy || queue.waiting.isEmpty()) {
                return Turn.NOTHING;
            }
            if (!rule.mustWait(queue.waiting.peekFirst())) {
                queue.busy = true;
                return new Turn(queue.waiting.pollFirst(), List.of());
            }
            List<Pending> toAnnounce = new ArrayList<>();
            for (Pending p : queue.waiting) {
                synchronized (p) {
                    if (!p.announced) {
                        p.announced = true;
                        toAnnounce.add(p);
                    }
                }
            }
            return new Turn(null, toAnnounce);
        }
    }

    /** The command handed over is done with: the device's next one may go. */
    void release(EndpointName endpoint) {
        Queue queue = queues.get(endpoint);
        if (queue != null) {
            synchronized (queue) {
                queue.busy = false;
            }
        }
    }

    /**
     * The device fell asleep as the command went out: it goes back to the head for the next wake-up.
     *
     * @return whether it still has to be announced as {@code queued}
     */
    boolean putBack(Pending pending) {
        Queue queue = queues.computeIfAbsent(pending.request.endpoint(), e -> new Queue());
        synchronized (queue) {
            queue.waiting.addFirst(pending);
            queue.busy = false;
            synchronized (pending) {
                boolean announce = !pending.announced;
                pending.announced = true;
                return announce;
            }
        }
    }

    /** Takes a waiting command out (it could not be stored); false when it went out meanwhile. */
    boolean remove(Pending pending) {
        Queue queue = queues.get(pending.request.endpoint());
        if (queue == null) {
            return false;
        }
        synchronized (queue) {
            return queue.waiting.remove(pending);
        }
    }

    /** Takes out the announced commands whose TTL ran out before {@code now}. */
    List<Pending> expired(Instant now) {
        List<Pending> expired = new ArrayList<>();
        for (Queue queue : queues.values()) {
            synchronized (queue) {
                for (Iterator<Pending> it = queue.waiting.iterator(); it.hasNext();) {
                    Pending p = it.next();
                    if (p.announced && p.request.receivedAt().plus(p.request.ttl()).isBefore(now)) {
                        it.remove();
                        expired.add(p);
                    }
                }
            }
        }
        return expired;
    }

    /** Takes out every waiting command of a device (its registration ended). */
    List<Pending> clear(EndpointName endpoint) {
        Queue queue = queues.get(endpoint);
        if (queue == null) {
            return List.of();
        }
        synchronized (queue) {
            List<Pending> all = new ArrayList<>(queue.waiting);
            queue.waiting.clear();
            return all;
        }
    }
}
