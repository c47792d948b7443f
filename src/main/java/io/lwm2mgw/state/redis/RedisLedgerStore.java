package io.lwm2mgw.state.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredResults;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * The command ledger on Redis: {@code {prefix}:ledger:order} (a sorted set of keys by completion sequence,
 * from {@code {prefix}:ledger:seq}), {@code {prefix}:ledger:results} (key to stored result) and
 * {@code {prefix}:ledger:sending} (key to mark). A completion, with its trim to {@code remembered}, is one
 * script. A write that fails is reported as the failing store {@code ledger}; the command goes on (a lost
 * record costs at most a repeat after a crash).
 */
final class RedisLedgerStore implements LedgerStore {

    private static final Logger LOG = Logger.getLogger(RedisLedgerStore.class);
    static final String STORE = "ledger";

    private static final String COMPLETED = """
            local seq = redis.call('INCR', KEYS[1])
            redis.call('ZADD', KEYS[2], seq, ARGV[1])
            redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
            redis.call('HDEL', KEYS[4], ARGV[1])
            local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
            if over > 0 then
              local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
              redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
              redis.call('HDEL', KEYS[3], unpack(old))
            end
            return seq""";

    private final RedisCall redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    private volatile int remembered = Integer.MAX_VALUE;

    RedisLedgerStore(RedisCall redis, RedisKeys keys, ObjectMapper mapper, StoreHealth health) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.health = health;
    }

    @Override
    public Loaded load(int remembered) {
        this.remembered = remembered;
        List<CommandResult> completed = new ArrayList<>();
        List<String> order = new ArrayList<>();
        redis.call("ZRANGE", keys.ledger("order"), "0", "-1").forEach(r -> order.add(r.toString()));
        for (String key : order.subList(Math.max(0, order.size() - remembered), order.size())) {
            Response stored = redis.call("HGET", keys.ledger("results"), key);
            try {
                completed.add(StoredResults.read(mapper.readTree(stored.toString())));
            } catch (IOException | RuntimeException e) {
                LOG.warnf("command ledger: unreadable result %s skipped: %s", key, e.getMessage());
            }
        }
        List<SentMark> interrupted = new ArrayList<>();
        Response marks = redis.call("HVALS", keys.ledger("sending"));
        for (Response mark : marks) {
            try {
                JsonNode m = mapper.readTree(mark.toString());
                interrupted.add(new SentMark(EndpointName.of(m.get("endpoint").asText()), m.get("id").asText()));
            } catch (IOException | RuntimeException e) {
                LOG.warnf("command ledger: unreadable mark skipped: %s", e.getMessage());
            }
        }
        return new Loaded(List.copyOf(completed), List.copyOf(interrupted));
    }

    @Override
    public CompletionStage<Void> sending(EndpointName endpoint, String id) {
        return write(() -> redis.call("HSET", keys.ledger("sending"), key(endpoint, id), mapper.createObjectNode()
                .put("endpoint", endpoint.value()).put("id", id).toString()));
    }

    @Override
    public CompletionStage<Void> completed(CommandResult result) {
        if (result.endpoint().isEmpty() || result.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String key = key(result.endpoint().get(), result.id().get());
        return write(() -> redis.eval(COMPLETED, new String[] {keys.ledger("seq"), keys.ledger("order"),
                keys.ledger("results"), keys.ledger("sending")}, key, StoredResults.write(result).toString(),
                String.valueOf(remembered)));
    }

    private CompletionStage<Void> write(Runnable call) {
        try {
            call.run();
            health.recovered(STORE);
        } catch (RuntimeException e) {
            health.failing(STORE, "redis: " + e.getMessage());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        // the connection belongs to the Redis client
    }

    /** A command's field in the ledger's hashes. */
    static String key(EndpointName endpoint, String id) {
        return endpoint.value().length() + ":" + endpoint.value() + "/" + id;
    }
}
