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

    private static final class Lane {
        final ArrayDeque<Task> waiting = new ArrayDeque<>();
        boolean busy;
    }

    private final Map<EndpointName, Lane> lanes = new ConcurrentHashMap<>();

    /** Runs {@code task} once every task submitted before it for {@code endpoint} has released the lane. */
    public void submit(EndpointName endpoint, Task task) {
        Lane lane = lanes.computeIfAbsent(endpoint, e -> new Lane());
        synchronized (lane) {
            if (lane.busy) {
                lane.waiting.addLast(task);
                return;
            }
            lane.busy = true;
        }
        run(endpoint, lane, task);
    }

    /** Whether a request to {@code endpoint} is in flight now. */
    public boolean busy(EndpointName endpoint) {
        Lane lane = lanes.get(endpoint);
        if (lane == null) {
            return false;
        }
        synchronized (lane) {
            return lane.busy;
        }
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
            Task next;
            synchronized (lane) {
                synchronized (this) {
                    if (released) {
                        return;
                    }
                    released = true;
                }
                next = lane.waiting.pollFirst();
                if (next == null) {
                    // the lane stays in the map: removing it here would race a submit that already holds it
                    lane.busy = false;
                    return;
                }
                synchronized (this) {
                    if (starting) {
                        deferred = next; // released inside start(): the loop in run() starts it
                        return;
                    }
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
