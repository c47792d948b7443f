package io.lwm2mgw.state.redis;

import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Registrations on Redis: a hash {@code {prefix}:reg:{id}} (snapshot, endpoint, owner, expiresAt) that
 * expires with the registration's lifetime plus {@code gateway.state.redis.registration-grace}, the owner's
 * set {@code {prefix}:regs:{owner}} of its registration ids, and {@code {prefix}:endpoint:{endpoint}} naming
 * the registration id, each changed in one script. {@link #loadAll()} reads this gateway's own registrations.
 */
final class RedisRegistrationSnapshots implements RegistrationSnapshots {

    private static final String SAVE = """
            redis.call('HSET', KEYS[1], 'snapshot', ARGV[1], 'endpoint', ARGV[2], 'owner', ARGV[3], 'expiresAt', ARGV[4])
            redis.call('PEXPIREAT', KEYS[1], ARGV[5])
            redis.call('SADD', KEYS[2], ARGV[6])
            redis.call('SET', KEYS[3], ARGV[6], 'PXAT', ARGV[5])
            return 1""";
    private static final String DELETE = """
            local endpoint = redis.call('HGET', KEYS[1], 'endpoint')
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[1])
            if endpoint and redis.call('GET', ARGV[2] .. endpoint) == ARGV[1] then
              redis.call('DEL', ARGV[2] .. endpoint)
            end
            return 1""";

    private final RedisCall redis;
    private final RedisKeys keys;
    private final String owner;
    private final Duration grace;
    private final Clock clock;

    RedisRegistrationSnapshots(RedisCall redis, RedisKeys keys, String owner, Duration grace, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.owner = owner;
        this.grace = grace;
        this.clock = clock;
    }

    @Override
    public void save(Snapshot s) throws IOException {
        long expireAt = Math.max(s.expiresAt().plus(grace).toEpochMilli(), clock.millis() + 1);
        run(() -> redis.eval(SAVE, new String[] {keys.registration(s.registrationId()), keys.registrations(s.owner()),
                keys.endpoint(s.endpoint())}, new String(s.content(), StandardCharsets.UTF_8), s.endpoint(), s.owner(),
                String.valueOf(s.expiresAt().toEpochMilli()), String.valueOf(expireAt), s.registrationId()));
    }

    @Override
    public void delete(String registrationId) throws IOException {
        run(() -> redis.eval(DELETE, new String[] {keys.registration(registrationId), keys.registrations(owner)},
                registrationId, keys.endpoint("")));
    }

    @Override
    public Map<String, byte[]> loadAll() throws IOException {
        Map<String, byte[]> all = new HashMap<>();
        run(() -> {
            Response ids = redis.call("SMEMBERS", keys.registrations(owner));
            for (Response id : ids) {
                Response snapshot = redis.call("HGET", keys.registration(id.toString()), "snapshot");
                if (snapshot == null) {
                    redis.call("SREM", keys.registrations(owner), id.toString()); // expired meanwhile
                } else {
                    all.put(id.toString(), snapshot.toBytes());
                }
            }
            return null;
        });
        return all;
    }

    private static void run(java.util.function.Supplier<Response> call) throws IOException {
        try {
            call.get();
        } catch (RuntimeException e) {
            throw new IOException("redis: " + e.getMessage(), e);
        }
    }
}
