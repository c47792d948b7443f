package io.lwm2mgw.state.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.CommandContext;
import io.lwm2mgw.command.ReplicaHandover;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.storage.StoredResults;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Commands across replicas on Redis. The replica that took a command (the taker) for a device registered with
 * another (the owner, from the registration's key) puts it into the device's handover queue
 * ({@link RedisHandoverQueues}) and wakes the owner through its inbox, which each replica reads with a blocking
 * pop. The owner runs the command through its router; once its result is confirmed (or it is durably queued for
 * a sleeping device, when it stays in the queue until its final result) the owner tells every taker's inbox,
 * and the takers acknowledge their sources. A command stays in the queue until an owner finished it, so one whose owner died
 * runs on whichever replica the device reaches next ({@link #arrived}); a taker ends it {@code expired} after
 * its ttl if none did. Every {@code gateway.state.redis.ownership-check-interval} each replica beats
 * ({@link RedisReplicaLiveness}), drains the queues of the devices it holds and checks the commands it waits
 * for, so a lost wake-up costs one interval. All Redis calls run on two threads of this class.
 */
final class RedisReplicaHandover implements ReplicaHandover {

    private static final Logger LOG = Logger.getLogger(RedisReplicaHandover.class);

    /** One command this replica waits for, by the key of the ledger. */
    private record Waiter(CommandRequest request, CommandContext context) { }

    private final RedisHandoverQueues queues;
    private final String self;
    private final Clock clock;
    private final Duration interval;
    private final RedisReplicaLiveness liveness;
    private final ScheduledExecutorService worker;
    private final Thread inbox;
    /** Guarded by the worker thread: commands taken here and handed over, by ledger key. */
    private final Map<String, List<Waiter>> waiting = new HashMap<>();
    /** Handed-over commands running here, by ledger key; touched on the worker and on result threads. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile Local local;
    private volatile boolean stopped;

    RedisReplicaHandover(RedisCall redis, RedisKeys keys, String self, ObjectMapper mapper, Clock clock,
            Duration interval) {
        this.queues = new RedisHandoverQueues(redis, keys, mapper, interval);
        this.self = self;
        this.clock = clock;
        this.interval = interval;
        this.liveness = new RedisReplicaLiveness(redis, keys, self, interval, clock);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "command-handover"));
        this.inbox = daemon(this::readInbox, "command-inbox");
    }

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public void start(Local router) {
        this.local = router;
        liveness.beat();
        worker.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        inbox.start();
    }

    @Override
    public void route(CommandRequest request, CommandContext context) {
        if (!onWorker(() -> handOver(request, context))) {
            context.release();
        }
    }

    @Override
    public void arrived(EndpointName endpoint) {
        onWorker(() -> drain(endpoint.value()));
    }

    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        inbox.interrupt();
        worker.execute(() -> {
            waiting.values().forEach(list -> list.forEach(w -> w.context().release()));
            waiting.clear();
            liveness.leave();
        });
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handOver(CommandRequest request, CommandContext context) {
        String key = RedisLedgerStore.key(request.endpoint(), request.id());
        try {
            Optional<CommandResult> earlier = queues.completed(request.endpoint(), request.id());
            if (earlier.isPresent()) {
                local.repeat(earlier.get(), request, context);
                return;
            }
            String ep = request.endpoint().value();
            Optional<String> owner = queues.ownerOf(ep);
            if (owner.isEmpty() || owner.get().equals(self)) {
                local.run(request, context); // registered nowhere (not-registered), or here since
                return;
            }
            boolean alive = liveness.alive(owner.get());
            queues.hand(request, self, alive ? owner : Optional.empty());
            waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(new Waiter(request, context));
            if (alive) {
                LOG.debugf("command %s for %s handed to replica %s, which holds the device", request.id(), ep,
                        owner.get());
            } else {
                LOG.infof("command %s for %s waits in redis: replica %s, which held the device, is gone",
                        request.id(), ep, owner.get());
            }
        } catch (RuntimeException e) {
            // redis is unreachable: not handed over, not acknowledged; the source delivers it again
            LOG.warnf("command %s for %s not handed over (redis: %s): left for redelivery", request.id(),
                    request.endpoint(), e.getMessage());
            context.release();
        }
    }

    /** Runs, on this replica, the handed-over commands of a device it holds that are not running here yet. */
    private void drain(String ep) {
        Local router = local;
        if (stopped || router == null || !router.isRegistered(EndpointName.of(ep))) {
            return;
        }
        try {
            for (String id : queues.ids(ep)) {
                String key = RedisLedgerStore.key(EndpointName.of(ep), id);
                Optional<CommandRequest> queued = running.contains(key) ? Optional.empty() : queues.command(ep, id);
                if (queued.isEmpty()) {
                    continue; // running here already, or finished or withdrawn meanwhile
                }
                CommandRequest request = queued.get();
                Optional<CommandResult> earlier = queues.completed(request.endpoint(), id);
                if (earlier.isPresent()) {
                    queues.remove(ep, id, earlier, false);
                    continue;
                }
                running.add(key);
                CommandContext context = new OwnerContext(ep, id, key);
                if (!request.command().idempotent() && !request.retry()
                        && queues.markedSending(request.endpoint(), id)) {
                    router.interrupted(request, context);
                } else {
                    LOG.debugf("command %s for %s taken from redis: the device is held here", id, ep);
                    router.run(request, context);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("handed-over commands for %s not read from redis: %s", ep, e.getMessage());
        }
    }

    /** Every interval: the heartbeat, the queues of devices held here, the commands waited for. */
    private void check() {
        if (stopped) {
            return;
        }
        liveness.beat();
        try {
            queues.devices().forEach(this::drain);
            for (String key : List.copyOf(waiting.keySet())) {
                checkWaiting(key);
            }
        } catch (RuntimeException e) {
            LOG.warnf("handed-over commands not checked in redis: %s", e.getMessage());
        }
    }

    private void checkWaiting(String key) {
        List<Waiter> waiters = waiting.get(key);
        CommandRequest request = waiters.get(0).request();
        String ep = request.endpoint().value();
        if (!queues.awaited(ep, request.id())) {
            // its owner told the takers (the message was lost): finished, or queued there; or another taker
            // withdrew it
            settle(key, queues.completed(request.endpoint(), request.id()));
            return;
        }
        boolean expired = clock.instant().isAfter(request.receivedAt().plus(request.ttl()));
        if ((expired || queues.ownerOf(ep).isEmpty()) && queues.remove(ep, request.id(), Optional.empty(), false)) {
            waiting.remove(key);
            if (expired) {
                LOG.infof("command %s for %s expired in redis: no replica held the device within its ttl",
                        request.id(), ep);
                local.answer(request, CommandResult.of(request, clock.instant(), CommandStatus.EXPIRED,
                        "waited longer than its ttl of " + request.ttl().toSeconds()
                                + " s for a replica holding the device"), waiters.get(0).context());
                waiters.subList(1, waiters.size()).forEach(w -> w.context().acknowledge());
            } else {
                // the registration ended everywhere: answered here, as for any device not registered
                waiters.forEach(w -> local.run(w.request(), w.context()));
            }
        }
    }

    /** The takers acknowledge their sources, telling an HTTP requester the result first. */
    private void settle(String key, Optional<CommandResult> result) {
        List<Waiter> waiters = waiting.remove(key);
        if (waiters == null) {
            return;
        }
        for (Waiter w : waiters) {
            try {
                result.ifPresent(r -> w.context().published(r));
                w.context().acknowledge();
            } catch (RuntimeException e) {
                LOG.errorf("acknowledging command %s failed: %s", w.request().id(), e.toString());
            }
        }
    }

    /** The inbox thread: blocking pops, each message handled on the worker. */
    private void readInbox() {
        boolean failing = false;
        while (!stopped) {
            try {
                Optional<JsonNode> message = queues.nextMessage(self);
                failing = false;
                message.ifPresent(m -> onWorker(() -> handle(m)));
            } catch (IOException e) {
                LOG.warnf("unreadable message in the replica inbox skipped: %s", e.getMessage());
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                if (!failing) {
                    LOG.warnf("replica inbox not read from redis: %s", e.getMessage());
                    failing = true;
                }
                try {
                    Thread.sleep(interval.toMillis()); // redis is away: try again in an interval
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void handle(JsonNode m) {
        try {
            if (m.has("run")) {
                drain(m.get("run").asText());
            } else if (m.has("done")) {
                String key = RedisLedgerStore.key(EndpointName.of(m.get("done").asText()), m.get("id").asText());
                settle(key, m.has("result") ? Optional.of(StoredResults.read(m.get("result"))) : Optional.empty());
            }
        } catch (RuntimeException e) {
            LOG.warnf("unreadable message in the replica inbox skipped: %s", e.getMessage());
        }
    }

    /**
     * A handed-over command run here: once its source would be acknowledged, its takers are told. A command
     * acknowledged before its final result (queued for a sleeping device, a firmware update under way) stays in
     * the device's queue in Redis until that result, so that if this replica dies first, the replica the device
     * reaches next runs it.
     */
    private final class OwnerContext implements CommandContext {
        private final String ep;
        private final String id;
        private final String key;
        private volatile CommandResult last;
        private volatile boolean kept;

        OwnerContext(String ep, String id, String key) {
            this.ep = ep;
            this.id = id;
            this.key = key;
        }

        @Override
        public void published(CommandResult result) {
            last = result;
            if (kept && result.status().isFinal()) {
                end(Optional.of(result), false);
            }
        }

        @Override
        public void acknowledge() {
            CommandResult result = last;
            boolean ended = result != null && result.status().isFinal();
            kept = !ended;
            end(Optional.ofNullable(result), !ended);
        }

        private void end(Optional<CommandResult> result, boolean keep) {
            Runnable finish = () -> {
                try {
                    queues.remove(ep, id, result, keep);
                } catch (RuntimeException e) {
                    LOG.warnf("command %s for %s: redis not told (%s)", id, ep, e.getMessage());
                } finally {
                    if (!keep) {
                        running.remove(key);
                    }
                }
            };
            if (!onWorker(finish)) {
                finish.run(); // stopping: told at once, so a taker does not wait for nothing
            }
        }

        @Override
        public void release() {
            running.remove(key); // stays in redis for the replica that holds the device next
        }
    }

    private boolean onWorker(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.errorf("replica handover step failed: %s", e.toString());
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
