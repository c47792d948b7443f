package io.lwm2mgw.command;

import io.lwm2mgw.domain.device.EndpointName;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One request in flight per device (CoAP NSTART = 1, spec 8.3's queue mode): every sender of requests to a
 * device (commands, firmware steps and blocks, auto-observe) runs its request as a task here, and a device's
 * tasks run one at a time in submission order. Devices run in parallel. Thread-safe; never blocks.
 */
public final class DeviceLanes {

    private static final Logger LOG = Logger.getLogger(DeviceLanes.class);

    /**
     * A request to send. It is started with {@code release}, which it must run exactly once when its request is
     * answered, timed out or abandoned; the device's next task starts then.
     */
    @FunctionalInterface
    public interface Task {
        void start(Runnable release);
    }

    /** A device's lane: in the map exactly while one of its requests is in flight, with what waits behind it. */
    private static final class Lane {
        /** Allocated when a second task arrives: most devices have one request at a time. */
        ArrayDeque<Task> waiting;
    }

    /**
     * Only devices with a request in flight: a lane leaves the map when its last task releases it, so a
     * registered, quiet fleet costs nothing here. Every change is made inside the map's per-key compute, so a
     * submit and a release of the same device cannot interleave.
     */
    private final Map<EndpointName, Lane> lanes = new ConcurrentHashMap<>();

    /** Runs {@code task} once every task submitted before it for {@code endpoint} has released the lane. */
    public void submit(EndpointName endpoint, Task task) {
        Lane[] started = new Lane[1];
        lanes.compute(endpoint, (e, lane) -> {
            if (lane == null) {
                started[0] = new Lane();
                return started[0];
            }
            if (lane.waiting == null) {
                lane.waiting = new ArrayDeque<>(4);
            }
            lane.waiting.addLast(task);
            return lane;
        });
        if (started[0] != null) {
            run(endpoint, started[0], task);
        }
    }

    /** Whether a request to {@code endpoint} is in flight now. */
    public boolean busy(EndpointName endpoint) {
        return lanes.containsKey(endpoint);
    }

    /** Devices with a request in flight now (for tests). */
    int active() {
        return lanes.size();
    }

    private void run(EndpointName endpoint, Lane lane, Task task) {
        Task next = task;
        while (next != null) {
            Releaser release = new Releaser(endpoint, lane);
            try {
                next.start(release);
            } catch (RuntimeException e) {
                LOG.errorf("a request to %s failed to start: %s", endpoint, e.toString());
                release.run();
            }
            // a task that released at once (answered synchronously, refused before sending) hands over here
            // instead of recursing, so a long queue of such tasks does not grow the stack
            next = release.handOver();
        }
    }

    /** Releases a lane once; the first release starts the next task (on the releasing thread). */
    private final class Releaser implements Runnable {
        private final EndpointName endpoint;
        private final Lane lane;
        private boolean released;
        private boolean starting = true;
        private Task deferred;

        Releaser(EndpointName endpoint, Lane lane) {
            this.endpoint = endpoint;
            this.lane = lane;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            Task[] taken = new Task[1];
            lanes.computeIfPresent(endpoint, (e, held) -> {
                if (held != lane) {
                    return held; // not ours: this lane was released already
                }
                taken[0] = held.waiting == null ? null : held.waiting.pollFirst();
                return taken[0] == null ? null : held; // idle: the lane leaves the map
            });
            Task next = taken[0];
            if (next == null) {
                return;
            }
            synchronized (this) {
                if (starting) {
                    deferred = next; // released inside start(): the loop in run() starts it
                    return;
                }
            }
            DeviceLanes.this.run(endpoint, lane, next);
        }

        /** Called after start() returned: the task to start next if it released meanwhile. */
        synchronized Task handOver() {
            starting = false;
            Task next = deferred;
            deferred = null;
            return next;
        }
    }
}
