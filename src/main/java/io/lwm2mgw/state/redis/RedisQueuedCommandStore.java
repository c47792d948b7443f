package io.lwm2mgw.state.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredCommands;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Queued commands on Redis, per device and in order: the list {@code {prefix}:queue:{endpoint}} of ids, the
 * hash {@code {prefix}:commands:{endpoint}} of stored commands by id ({@link StoredCommands}), and the set
 * {@code {prefix}:queued-devices}; an append or a removal changes all three in one script. A failed removal is
 * reported as the failing store {@code queued-commands} (the command would run again after a restart).
 */
final class RedisQueuedCommandStore implements QueuedCommandStore {

    private static final Logger LOG = Logger.getLogger(RedisQueuedCommandStore.class);
    static final String STORE = "queued-commands";

    private static final String APPEND = """
            if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('RPUSH', KEYS[2], ARGV[1])
            end
            redis.call('SADD', KEYS[3], ARGV[3])
            return 1""";
    private static final String REMOVE = """
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('LREM', KEYS[2], 0, ARGV[1])
            if redis.call('HLEN', KEYS[1]) == 0 then
              redis.call('SREM', KEYS[3], ARGV[2])
            end
            return 1""";

    private final RedisCall redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    private final StoreHealth health;

    RedisQueuedCommandStore(RedisCall redis, RedisKeys keys, ObjectMapper mapper, StoreHealth health) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.health = health;
    }

    @Override
    public void save(CommandRequest request) {
        String endpoint = request.endpoint().value();
        try {
            redis.eval(APPEND, new String[] {keys.commands(endpoint), keys.queue(endpoint), keys.queuedDevices()},
                    request.id(), mapper.writeValueAsString(StoredCommands.write(request)), endpoint);
            health.recovered(STORE);
        } catch (IOException | RuntimeException e) {
            health.failing(STORE, "redis: " + e.getMessage());
            throw new UncheckedIOException("cannot store queued command " + request.id() + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public void remove(CommandRequest request) {
        String endpoint = request.endpoint().value();
        try {
            redis.eval(REMOVE, new String[] {keys.commands(endpoint), keys.queue(endpoint), keys.queuedDevices()},
                    request.id(), endpoint);
            health.recovered(STORE);
        } catch (RuntimeException e) {
            health.failing(STORE, "redis: " + e.getMessage());
            LOG.warnf("queued command %s for %s could not be removed from redis: %s", request.id(), endpoint,
                    e.getMessage());
        }
    }

    @Override
    public List<CommandRequest> loadAll() {
        List<CommandRequest> all = new ArrayList<>();
        for (Response device : redis.call("SMEMBERS", keys.queuedDevices())) {
            String endpoint = device.toString();
            for (Response id : redis.call("LRANGE", keys.queue(endpoint), "0", "-1")) {
                Response stored = redis.call("HGET", keys.commands(endpoint), id.toString());
                try {
                    all.add(StoredCommands.read(mapper.readTree(stored.toString())));
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("skipping unreadable stored command %s for %s: %s", id, endpoint, e.getMessage());
                }
            }
        }
        all.sort(Comparator.comparing(CommandRequest::receivedAt));
        return all;
    }

    /** The ids queued for one device, in order (tests). */
    List<String> queued(String endpoint) {
        List<String> ids = new ArrayList<>();
        redis.call("LRANGE", keys.queue(endpoint), "0", "-1").forEach(r -> ids.add(r.toString()));
        return ids;
    }
}
