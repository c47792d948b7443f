package io.lwm2mgw.state.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.storage.StoredCommands;
import io.lwm2mgw.storage.StoredResults;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Redis side of commands handed between replicas, each change one script: per device the queue
 * {@code {prefix}:handover:{ep}} (id to stored command), its order {@code {prefix}:handover-order:{ep}} and the
 * replicas waiting for each ({@code {prefix}:handover-takers:{ep}}, id to space-separated ids), the set
 * {@code {prefix}:handover-devices}, and each replica's inbox list {@code {prefix}:inbox:{gateway.id}} of
 * messages ({@code {"run": ep}}: look at the device's queue; {@code {"done": ep, "id": id, "result": ...}}: the
 * command ended or is queued at its owner). Reads the registrations' owners and the shared ledger. Called on the
 * handover's threads; throws when the server cannot be reached.
 */
final class RedisHandoverQueues {

    private static final String OWNER = """
            local id = redis.call('GET', KEYS[1])
            if not id then
              return false
            end
            return redis.call('HGET', ARGV[1] .. id, 'owner')""";
    /** KEYS: queue, order, devices, takers, owner's inbox; ARGV: id, stored, endpoint, taker, wake, inbox ms. */
    private static final String HAND = """
            local fresh = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
            if fresh == 1 then
              redis.call('RPUSH', KEYS[2], ARGV[1])
            end
            redis.call('SADD', KEYS[3], ARGV[3])
            redis.call('HSET', KEYS[4], ARGV[1], (redis.call('HGET', KEYS[4], ARGV[1]) or '') .. ARGV[4] .. ' ')
            if ARGV[5] ~= '' then
              redis.call('RPUSH', KEYS[5], ARGV[5])
              redis.call('PEXPIRE', KEYS[5], ARGV[6])
            end
            return fresh""";
    /**
     * KEYS: queue, order, devices, takers; ARGV: id, endpoint, message to the takers, inbox prefix, inbox ms,
     * 'keep' to tell the takers but keep the command queued (it waits for a sleeping device at its owner).
     */
    private static final String REMOVE = """
            local removed = 1
            if ARGV[6] ~= 'keep' then
              removed = redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('LREM', KEYS[2], 0, ARGV[1])
              if redis.call('LLEN', KEYS[2]) == 0 then
                redis.call('SREM', KEYS[3], ARGV[2])
              end
            end
            local takers = redis.call('HGET', KEYS[4], ARGV[1]) or ''
            redis.call('HDEL', KEYS[4], ARGV[1])
            for taker in string.gmatch(takers, '%S+') do
              redis.call('RPUSH', ARGV[4] .. taker, ARGV[3])
              redis.call('PEXPIRE', ARGV[4] .. taker, ARGV[5])
            end
            return removed""";

    private final RedisCall redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    /** How long an inbox outlives its last message: a replica gone for longer never reads it. */
    private final long inboxMillis;

    RedisHandoverQueues(RedisCall redis, RedisKeys keys, ObjectMapper mapper, Duration interval) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.inboxMillis = Math.max(60_000, interval.multipliedBy(30).toMillis());
    }

    /** The replica holding the device's registration, if any holds one. */
    Optional<String> ownerOf(String ep) {
        Response owner = redis.eval(OWNER, new String[] {keys.endpoint(ep)}, keys.registration(""));
        return owner == null ? Optional.empty() : Optional.of(owner.toString());
    }

    /** The command's result in the shared ledger, if it ended. */
    Optional<CommandResult> completed(EndpointName endpoint, String id) {
        Response stored = redis.call("HGET", keys.ledger("results"), RedisLedgerStore.key(endpoint, id));
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoredResults.read(mapper.readTree(stored.toString())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a replica marked the command as being sent to its device and recorded no result since. */
    boolean markedSending(EndpointName endpoint, String id) {
        return redis.call("HEXISTS", keys.ledger("sending"), RedisLedgerStore.key(endpoint, id)).toInteger() == 1;
    }

    /** Queues the command for its device (once, whoever takes it again), with {@code taker} waiting for it. */
    void hand(CommandRequest request, String taker, Optional<String> wake) {
        String ep = request.endpoint().value();
        String message = wake.isPresent() ? mapper.createObjectNode().put("run", ep).toString() : "";
        redis.eval(HAND, new String[] {keys.handover(ep), keys.handoverOrder(ep), keys.handoverDevices(),
            keys.handoverTakers(ep), keys.inbox(wake.orElse(taker))}, request.id(),
                StoredCommands.write(request).toString(), ep, taker, message, String.valueOf(inboxMillis));
    }

    /**
     * Tells the command's takers that it ended (with its result, when known) and removes it from the device's
     * queue, or with {@code keep} leaves it there (it waits at its owner); whether it was queued.
     */
    boolean remove(String ep, String id, Optional<CommandResult> result, boolean keep) {
        ObjectNode done = mapper.createObjectNode().put("done", ep).put("id", id);
        result.ifPresent(r -> done.set("result", StoredResults.write(r)));
        Response removed = redis.eval(REMOVE, new String[] {keys.handover(ep), keys.handoverOrder(ep),
            keys.handoverDevices(), keys.handoverTakers(ep)}, id, ep, done.toString(), keys.inbox(""),
                String.valueOf(inboxMillis), keep ? "keep" : "");
        return removed != null && removed.toInteger() == 1;
    }

    /** The ids queued for the device, in order. */
    List<String> ids(String ep) {
        List<String> ids = new ArrayList<>();
        redis.call("LRANGE", keys.handoverOrder(ep), "0", "-1").forEach(r -> ids.add(r.toString()));
        return ids;
    }

    /** A queued command; empty once removed. */
    Optional<CommandRequest> command(String ep, String id) throws IOException {
        Response stored = redis.call("HGET", keys.handover(ep), id);
        return stored == null ? Optional.empty() : Optional.of(StoredCommands.read(mapper.readTree(stored.toString())));
    }

    /** Whether takers still wait for the command (its owner has not told them). */
    boolean awaited(String ep, String id) {
        return redis.call("HEXISTS", keys.handoverTakers(ep), id).toInteger() == 1;
    }

    /** The devices with queued commands. */
    List<String> devices() {
        List<String> devices = new ArrayList<>();
        redis.call("SMEMBERS", keys.handoverDevices()).forEach(r -> devices.add(r.toString()));
        return devices;
    }

    /** The next message of the replica's inbox, waiting up to a second. */
    Optional<JsonNode> nextMessage(String replica) throws IOException {
        Response popped = redis.call("BLPOP", keys.inbox(replica), "1");
        if (popped == null || popped.size() != 2) {
            return Optional.empty();
        }
        return Optional.of(mapper.readTree(popped.get(1).toString()));
    }
}
