package io.lwm2mgw.command;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import java.util.function.Consumer;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.EventFanOut;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs commands: per device in arrival order with one request in flight (CoAP NSTART = 1), many devices in
 * parallel. Commands for a sleeping queue-mode device (spec 8.3) wait, each announced once as {@code queued},
 * and go out in order when the device wakes up; one that waits past its TTL ends {@code expired}, and all end
 * {@code cancelled} when the registration ends. Exactly one final result per command is published, then the
 * source is told (MQTT acknowledgement, Kafka commit). A command whose id already completed is not executed
 * again: its earlier result is published again.
 */
@ApplicationScoped
public class CommandRouter {

    private static final Logger LOG = Logger.getLogger(CommandRouter.class);

    private final DevicePort devices;
    private final FirmwareUpdatePort firmware;
    private final Consumer<CommandResult> results;
    private final int maxQueuedPerDevice;
    private final Map<Key, CommandResult> completed;
    /** Commands accepted and not yet final, so that a redelivered copy attaches instead of running twice. */
    private final Map<Key, Pending> active = new java.util.HashMap<>();
    /** Guards {@link #completed} and {@link #active} together: a command is in exactly one of them. */
    private final Object dedup = new Object();
    private final Map<EndpointName, Lane> lanes = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ScheduledExecutorService ttlChecker;
    private final QueuedCommandStore store;
    /** Runs every store write, in order, off the callers' threads. */
    private final java.util.concurrent.Executor storeWriter;
    private volatile boolean stopping;

    @jakarta.inject.Inject
    public CommandRouter(DevicePort devices, FirmwareUpdatePort firmware, EventFanOut fanOut, GatewayConfig config,
            com.fasterxml.jackson.databind.ObjectMapper mapper) {
        this(devices, firmware, fanOut::publishResult, new FileQueuedCommandStore(config.commands().storeDirectory(),
                io.lwm2mgw.northbound.CommandCodec.of(mapper, config), mapper), Clock.systemUTC(),
                config.commands().maxQueuedPerDevice(), config.commands().completedIdsRemembered(),
                config.commands().ttlCheckInterval(), Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "command-store");
                    t.setDaemon(true);
                    return t;
                }));
    }

    /** For tests: results go to {@code results}, time comes from {@code clock}. */
    CommandRouter(DevicePort devices, FirmwareUpdatePort firmware, Consumer<CommandResult> results,
            QueuedCommandStore store, Clock clock, int maxQueuedPerDevice, int remembered,
            java.time.Duration ttlCheckInterval, java.util.concurrent.Executor storeWriter) {
        this.storeWriter = storeWriter;
        this.devices = devices;
        this.firmware = firmware;
        this.store = store;
        this.results = results;
        this.clock = clock;
        this.maxQueuedPerDevice = maxQueuedPerDevice;
        this.completed = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CommandResult> eldest) {
                return size() > remembered;
            }
        };
        devices.observePresence(new DevicePort.PresenceObserver() {
            @Override
            public void awake(EndpointName endpoint) {
                Lane lane = lanes.get(endpoint);
                if (lane != null) {
                    drain(lane);
                }
            }

            @Override
            public void gone(EndpointName endpoint) {
                cancelWaiting(endpoint, "the device's registration ended");
            }
        });
        this.ttlChecker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "command-ttl");
            t.setDaemon(true);
            return t;
        });
        long period = ttlCheckInterval.toMillis();
        ttlChecker.scheduleWithFixedDelay(this::expireDue, period, period, TimeUnit.MILLISECONDS);
    }

    /** Commands are the same when endpoint and id are: ids are the requesters' and need not be unique across devices. */
    private record Key(EndpointName endpoint, String id) {
        static Key of(CommandRequest request) {
            return new Key(request.endpoint(), request.id());
        }
    }

    /** A redelivered copy of an accepted command: it shares the original's result and is acknowledged with it. */
    private static final class Attached {
        final CommandRequest request;
        final Runnable onFinal;
        boolean acknowledged;

        Attached(CommandRequest request, Runnable onFinal) {
            this.request = request;
            this.onFinal = onFinal;
        }
    }

    /** A command, what to do once its final result is out, and whether its {@code queued} went out. */
    private static final class Pending {
        final CommandRequest request;
        final Runnable onFinal;
        /** Told the final result after it is published; campaigns follow their devices this way. */
        final Consumer<CommandResult> resultListener;
        /** Submitted by the gateway itself (a campaign): never stored, nothing to acknowledge. */
        final boolean internal;
        boolean announced;
        boolean acknowledged;
        boolean stored;
        /** Its final result is out; guarded by this Pending, like {@code stored} and the publishing of results. */
        boolean finished;
        /** Read back from the store after a restart: waits until its device registers again. */
        boolean reloaded;
        /** Copies that arrived while this one was waiting or in flight; guarded by this Pending. */
        final List<Attached> duplicates = new ArrayList<>();

        Pending(CommandRequest request, Runnable onFinal) {
            this(request, onFinal, r -> { }, false);
        }

        Pending(CommandRequest request, Runnable onFinal, Consumer<CommandResult> resultListener, boolean internal) {
            this.request = request;
            this.onFinal = onFinal;
            this.resultListener = resultListener;
            this.internal = internal;
        }
    }

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
        if (stopping) {
            // neither run nor answered nor acknowledged: the broker (or the uncommitted offset) hands it to the
            // next gateway, instead of this one failing it because its LwM2M server is going away
            LOG.infof("command %s for %s arrived while stopping: left for redelivery", request.id(),
                    request.endpoint());
            return;
        }
        Key key = Key.of(request);
        Pending pending = new Pending(request, onFinal);
        CommandResult earlier;
        Pending original;
        synchronized (dedup) {
            earlier = completed.get(key);
            original = earlier == null ? active.putIfAbsent(key, pending) : null;
        }
        if (earlier != null) {
            LOG.debugf("command %s for %s already completed: publishing its result again", request.id(),
                    request.endpoint());
            publish(withReplyTo(earlier, request));
            onFinal.run();
        } else if (original != null) {
            attach(original, request, onFinal);
        } else if (request.command() instanceof DeviceCommand.ProvisionCredentials
                || request.command() instanceof DeviceCommand.RemoveCredentials) {
            // the gateway's own business, not the device's: no lane, no registration needed; it writes a file,
            // so it runs on the store's thread like every other write, never on a broker client's thread
            storeWriter.execute(() -> {
                CommandResult result;
                try {
                    result = devices.changeCredentials(request);
                } catch (RuntimeException e) {
                    result = CommandResult.of(request, clock.instant(), CommandStatus.FAILED, "gateway error: " + e);
                }
                finish(pending, result);
            });
        } else {
            enqueue(pending);
        }
    }

    /**
     * A copy of a command that waits or is in flight: not run again; it gets the original's final result and
     * is acknowledged with it, or at once if the original is already durably queued and acknowledged.
     */
    private void attach(Pending original, CommandRequest request, Runnable onFinal) {
        LOG.debugf("command %s for %s is already accepted: the copy waits for its result", request.id(),
                request.endpoint());
        Attached attached = new Attached(request, onFinal);
        boolean ackNow;
        boolean ended;
        synchronized (original) {
            ended = original.finished;
            if (!ended) {
                original.duplicates.add(attached);
            }
            ackNow = original.acknowledged;
            attached.acknowledged = ackNow;
        }
        if (ended) {
            // it ended since it was looked up: its result is among the completed ones now
            submit(request, onFinal);
        } else if (ackNow) {
            runOnFinal(onFinal, request.id());
        }
    }

    /** The result as the requester of {@code request} wants it: on its (current) response topic. */
    private static CommandResult withReplyTo(CommandResult result, CommandRequest request) {
        return new CommandResult(result.id(), result.endpoint(), result.op(), result.path(), result.time(),
                result.status(), result.code(), result.values(), result.links(), result.location(), result.error(),
                request.replyTo());
    }

    /**
     * Accepts a command the gateway issues itself (a campaign's update of one device): it runs like any other
     * command and its result is published, but it is not stored (its issuer keeps its own state);
     * {@code onResult} gets the {@code queued} result, if any, and the final one.
     *
     * @param afterRestart the issuer resumes after a gateway restart: wait until the device registers again
     */
    public void submitInternal(CommandRequest request, Consumer<CommandResult> onResult, boolean afterRestart) {
        Pending pending = new Pending(request, () -> { }, onResult, true);
        if (afterRestart) {
            pending.reloaded = true;
            pending.announced = true;
        }
        enqueue(pending);
    }

    private void enqueue(Pending pending) {
        CommandRequest request = pending.request;
        Lane lane = lanes.computeIfAbsent(request.endpoint(), ep -> new Lane());
        boolean full;
        synchronized (lane) {
            full = lane.waiting.size() >= maxQueuedPerDevice;
            if (!full) {
                lane.waiting.addLast(pending);
            }
        }
        if (full) {
            finish(pending, CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
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
        Pending next = null;
        List<Pending> toAnnounce = new ArrayList<>();
        synchronized (lane) {
            if (lane.busy || lane.waiting.isEmpty()) {
                return;
            }
            if (mustWait(lane.waiting.peekFirst())) {
                for (Pending p : lane.waiting) {
                    if (!p.announced) {
                        p.announced = true;
                        toAnnounce.add(p);
                    }
                }
            } else {
                lane.busy = true;
                next = lane.waiting.pollFirst();
            }
        }
        toAnnounce.forEach(this::announceQueued);
        if (next != null) {
            execute(lane, next);
        }
    }

    private boolean mustWait(Pending head) {
        EndpointName endpoint = head.request.endpoint();
        return devices.isSleeping(endpoint) || head.reloaded && !devices.isRegistered(endpoint);
    }

    /** Reads back the commands that waited for sleeping devices when the gateway stopped. */
    void reloadStored(@Observes @jakarta.annotation.Priority(25) io.quarkus.runtime.StartupEvent event) {
        List<CommandRequest> stored = store.loadAll();
        for (CommandRequest request : stored) {
            Pending pending = new Pending(request, () -> { });
            pending.announced = true;
            pending.acknowledged = true;
            pending.stored = true;
            pending.reloaded = true;
            synchronized (dedup) {
                active.put(Key.of(request), pending);
            }
            Lane lane = lanes.computeIfAbsent(request.endpoint(), ep -> new Lane());
            synchronized (lane) {
                lane.waiting.addLast(pending);
            }
        }
        if (!stored.isEmpty()) {
            LOG.infof("%d queued commands read back from the store; they go out when their devices wake up",
                    stored.size());
        }
        lanes.values().forEach(this::drain);
    }

    private void execute(Lane lane, Pending pending) {
        if (pending.request.command() instanceof DeviceCommand.UpdateFirmware) {
            startFirmware(lane, pending);
            return;
        }
        AtomicBoolean once = new AtomicBoolean();
        try {
            devices.execute(pending.request, result -> {
                if (once.compareAndSet(false, true)) {
                    completeOrRequeue(lane, pending, result);
                }
            });
        } catch (RuntimeException e) {
            if (once.compareAndSet(false, true)) {
                completeOrRequeue(lane, pending, CommandResult.of(pending.request, clock.instant(),
                        CommandStatus.FAILED, "gateway error: " + e));
            }
        }
    }

    private void completeOrRequeue(Lane lane, Pending pending, CommandResult result) {
        if (stopping && (result.status() == CommandStatus.CANCELLED || result.status() == CommandStatus.FAILED)) {
            // the gateway is stopping, not the device failing: no result and no acknowledgement, so the broker
            // (or the uncommitted Kafka offset) hands the command to the next gateway
            LOG.infof("command %s for %s left for redelivery", pending.request.id(), pending.request.endpoint());
            return;
        }
        if (result.status() == CommandStatus.QUEUED) {
            // the device fell asleep as the command went out: it waits at the head for the next wake-up
            boolean announce;
            synchronized (lane) {
                lane.waiting.addFirst(pending);
                lane.busy = false;
                announce = !pending.announced;
                pending.announced = true;
            }
            if (announce) {
                announceQueued(pending);
            }
            return;
        }
        finish(pending, result);
        synchronized (lane) {
            lane.busy = false;
        }
        drain(lane);
    }

    /**
     * Hands a firmware update to its flow and frees the lane at once: the update may take many minutes, during
     * which other commands for the device still go out. Stored and acknowledged first, like a queued command,
     * so the broker moves on and a restarted gateway starts the update again.
     */
    private void startFirmware(Lane lane, Pending pending) {
        if (!pending.internal) {
            storeWriter.execute(() -> {
                try {
                    store.save(pending.request);
                    synchronized (pending) {
                        pending.stored = true;
                    }
                    acknowledge(pending);
                } catch (RuntimeException e) {
                    // not durable: the acknowledgement waits for the final result instead
                    LOG.errorf("cannot store firmware update %s: %s", pending.request.id(), e.getMessage());
                }
            });
        }
        AtomicBoolean once = new AtomicBoolean();
        try {
            firmware.start(pending.request, result -> {
                if (once.compareAndSet(false, true)) {
                    if (stopping && result.status() == CommandStatus.CANCELLED) {
                        LOG.infof("firmware update %s for %s left to restart with the gateway", pending.request.id(),
                                pending.request.endpoint());
                        return;
                    }
                    finish(pending, result);
                }
            });
        } catch (RuntimeException e) {
            if (once.compareAndSet(false, true)) {
                finish(pending, CommandResult.of(pending.request, clock.instant(), CommandStatus.FAILED,
                        "gateway error: " + e));
            }
        }
        synchronized (lane) {
            lane.busy = false;
        }
        drain(lane);
    }

    /**
     * Stores the command durably, publishes {@code queued} and acknowledges it: a broker does not deliver the
     * next message of a topic while one is unacknowledged, so holding the acknowledgement until a sleeping
     * device wakes would hold up every later command for it.
     */
    private void announceQueued(Pending pending) {
        if (pending.internal) {
            announce(pending, false);
            return;
        }
        // an fsync must not run on the caller's thread (a HiveMQ netty thread, a Californium protocol thread);
        // one writer thread keeps saves and removals in order. The device may wake, or the command expire,
        // meanwhile: announce() sees that.
        storeWriter.execute(() -> {
            try {
                store.save(pending.request);
            } catch (RuntimeException e) {
                refuseUnstored(pending, e);
                return;
            }
            announce(pending, true);
        });
    }

    /**
     * The command could not be stored: it is not acknowledged as queued, but ends {@code failed} with the
     * reason (and is acknowledged once that is published), unless it went out to its device meanwhile.
     */
    private void refuseUnstored(Pending pending, RuntimeException e) {
        LOG.errorf("cannot store queued command %s for %s: %s", pending.request.id(), pending.request.endpoint(),
                e.getMessage());
        Lane lane = lanes.get(pending.request.endpoint());
        boolean removed;
        synchronized (lane) {
            removed = lane.waiting.remove(pending);
        }
        if (removed) {
            finish(pending, CommandResult.of(pending.request, clock.instant(), CommandStatus.FAILED,
                    "the device is sleeping and the gateway cannot store the command: " + e.getMessage()));
        }
    }

    /** Publishes {@code queued} and acknowledges, unless the command ended while it was being stored. */
    private void announce(Pending pending, boolean saved) {
        CommandResult queued = CommandResult.of(pending.request, clock.instant(), CommandStatus.QUEUED,
                "the device is sleeping; the command waits until it wakes up (ttl "
                        + pending.request.ttl().toSeconds() + " s)");
        boolean late;
        synchronized (pending) {
            late = pending.finished;
            if (!late) {
                pending.stored |= saved;
                publish(queued);
            }
        }
        if (late) {
            // it ended while being stored: its final result is out, so no queued after it, and no stale file
            if (saved) {
                store.remove(pending.request);
            }
            return;
        }
        acknowledge(pending);
        if (pending.internal) {
            pending.resultListener.accept(queued);
        }
    }

    private void acknowledge(Pending pending) {
        boolean first;
        List<Attached> copies = new ArrayList<>();
        synchronized (pending) {
            first = !pending.acknowledged;
            pending.acknowledged = true;
            for (Attached a : pending.duplicates) {
                if (!a.acknowledged) {
                    a.acknowledged = true;
                    copies.add(a);
                }
            }
        }
        if (first) {
            runOnFinal(pending.onFinal, pending.request.id());
        }
        copies.forEach(a -> runOnFinal(a.onFinal, a.request.id()));
    }

    /** Ends the commands that waited for a sleeping device longer than their TTL. */
    void expireDue() {
        Instant now = clock.instant();
        for (Lane lane : lanes.values()) {
            List<Pending> expired = new ArrayList<>();
            synchronized (lane) {
                for (Iterator<Pending> it = lane.waiting.iterator(); it.hasNext();) {
                    Pending p = it.next();
                    if (p.announced && p.request.receivedAt().plus(p.request.ttl()).isBefore(now)) {
                        it.remove();
                        expired.add(p);
                    }
                }
            }
            expired.forEach(p -> finish(p, CommandResult.of(p.request, now, CommandStatus.EXPIRED,
                    "waited longer than its ttl of " + p.request.ttl().toSeconds() + " s for the sleeping device")));
        }
    }

    private void cancelWaiting(EndpointName endpoint, String reason) {
        Lane lane = lanes.get(endpoint);
        if (lane == null) {
            return;
        }
        List<Pending> cancelled;
        synchronized (lane) {
            cancelled = new ArrayList<>(lane.waiting);
            lane.waiting.clear();
        }
        cancelled.forEach(p -> finish(p, CommandResult.of(p.request, clock.instant(), CommandStatus.CANCELLED, reason)));
    }

    private void finish(Pending pending, CommandResult result) {
        List<Attached> copies = List.of();
        if (result.status().isFinal()) {
            Key key = Key.of(pending.request);
            synchronized (dedup) {
                completed.put(key, result);
                active.remove(key, pending);
            }
        }
        synchronized (pending) {
            // results of one command are published under its lock: a queued never follows the final result
            if (result.status().isFinal()) {
                pending.finished = true;
                copies = List.copyOf(pending.duplicates);
            }
            publish(result);
            for (Attached copy : copies) {
                // a copy whose requester waits elsewhere gets the result there too; one address gets it once
                if (!copy.request.replyTo().equals(pending.request.replyTo())) {
                    publish(withReplyTo(result, copy.request));
                }
            }
        }
        if (result.status().isFinal() && !pending.internal) {
            // always, and only after marking it finished: a save still under way either sees that and removes
            // its file itself, or has finished writing before this removal (the writer runs tasks in order)
            storeWriter.execute(() -> store.remove(pending.request));
        }
        acknowledge(pending);
        if (result.status().isFinal()) {
            try {
                pending.resultListener.accept(result);
            } catch (RuntimeException e) {
                LOG.errorf("result listener of command %s failed: %s", pending.request.id(), e);
            }
        }
    }

    private static void runOnFinal(Runnable onFinal, String id) {
        try {
            onFinal.run();
        } catch (RuntimeException e) {
            LOG.errorf("acknowledging command %s failed: %s", id, e);
        }
    }

    private void publish(CommandResult result) {
        results.accept(result);
    }

    /** Runs before the LwM2M server stops, so that the requests it cancels are recognised as ours. */
    void stop(@Observes @jakarta.annotation.Priority(0) ShutdownEvent event) {
        stopping = true;
        firmware.abandonAll();
        ttlChecker.shutdownNow();
        if (storeWriter instanceof java.util.concurrent.ExecutorService writer) {
            writer.shutdown(); // writes already handed over still complete
        }
    }
}
