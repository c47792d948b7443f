package io.lwm2mgw.command;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.EventFanOut;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs commands: per device in arrival order with one request in flight (CoAP NSTART = 1), many devices in
 * parallel. Publishes exactly one final result per command, then tells the source, which acknowledges the
 * MQTT message or commits the Kafka offset only then. A command whose id already completed is not executed
 * again: its earlier result is published again.
 */
@ApplicationScoped
public class CommandRouter {

    private static final Logger LOG = Logger.getLogger(CommandRouter.class);

    private final DevicePort devices;
    private final EventFanOut fanOut;
    private final int maxQueuedPerDevice;
    private final Map<String, CommandResult> completed;
    private final Map<EndpointName, Lane> lanes = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    public CommandRouter(DevicePort devices, EventFanOut fanOut, GatewayConfig config) {
        this.devices = devices;
        this.fanOut = fanOut;
        this.maxQueuedPerDevice = config.commands().maxQueuedPerDevice();
        int remembered = config.commands().completedIdsRemembered();
        this.completed = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                return size() > remembered;
            }
        });
    }

    /** A command and what to do once its final result is out. */
    private record Pending(CommandRequest request, Runnable onFinal) { }

    /** One device's commands: waiting in order, at most one in flight. Guarded by itself. */
    private static final class Lane {
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        boolean busy;
    }

    /**
     * Accepts a command. {@code onFinal} runs once its final result has been handed to the sinks (the MQTT
     * acknowledgement or the Kafka commit).
     */
    public void submit(CommandRequest request, Runnable onFinal) {
        CommandResult earlier = completed.get(request.id());
        if (earlier != null) {
            LOG.debugf("command %s already completed: publishing its result again", request.id());
            publish(earlier);
            onFinal.run();
            return;
        }
        Lane lane = lanes.computeIfAbsent(request.endpoint(), ep -> new Lane());
        boolean full;
        synchronized (lane) {
            full = lane.waiting.size() >= maxQueuedPerDevice;
            if (!full) {
                lane.waiting.addLast(new Pending(request, onFinal));
            }
        }
        if (full) {
            finish(new Pending(request, onFinal), CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                    "too many commands waiting for " + request.endpoint() + " (limit " + maxQueuedPerDevice + ")"));
            return;
        }
        drain(lane);
    }

    /** Publishes the final result of a command refused before it reached a device (invalid), then acks it. */
    public void reject(CommandResult result, Runnable onFinal) {
        LOG.infof("invalid command %s for %s: %s", result.id().orElse("(no id)"),
                result.endpoint().map(EndpointName::value).orElse("(no endpoint)"), result.error().orElse(""));
        publish(result);
        onFinal.run();
    }

    private void drain(Lane lane) {
        Pending next;
        synchronized (lane) {
            if (lane.busy || lane.waiting.isEmpty()) {
                return;
            }
            lane.busy = true;
            next = lane.waiting.pollFirst();
        }
        AtomicBoolean once = new AtomicBoolean();
        try {
            devices.execute(next.request(), result -> {
                if (once.compareAndSet(false, true)) {
                    finish(next, result);
                    release(lane);
                }
            });
        } catch (RuntimeException e) {
            if (once.compareAndSet(false, true)) {
                finish(next, CommandResult.of(next.request(), clock.instant(), CommandStatus.FAILED,
                        "gateway error: " + e));
                release(lane);
            }
        }
    }

    private void release(Lane lane) {
        synchronized (lane) {
            lane.busy = false;
        }
        drain(lane);
    }

    private void finish(Pending pending, CommandResult result) {
        if (result.status().isFinal()) {
            completed.put(pending.request().id(), result);
        }
        publish(result);
        pending.onFinal().run();
    }

    private void publish(CommandResult result) {
        fanOut.publishResult(result);
    }
}
