package io.lwm2mgw.state.redis;

import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registrations on Redis: a hash {@code {prefix}:reg:{id}} (snapshot, endpoint, owner, expiresAt) that
 * expires with the registration's lifetime plus {@code gateway.state.redis.registration-grace}, the owner's
 * set {@code {prefix}:regs:{owner}} of its registration ids, {@code {prefix}:endpoint:{endpoint}} naming
 * the registration id and {@code {prefix}:token:{token}} naming the registration of each observation, each
 * changed in one script. {@link #loadAll()} reads this gateway's own registrations. Only the owner writes a
 * registration: a save by a gateway whose registration another took over is dropped, and a Register that
 * replaces a device's registration held by another gateway removes that one from the other's set.
 */
final class RedisRegistrationSnapshots implements RegistrationSnapshots {

    private static final String SAVE = """
            local current = redis.call('HGET', KEYS[1], 'owner')
            if current and current ~= ARGV[3] then
              return 0
            end
            local previous = redis.call('GET', KEYS[3])
            if previous and previous ~= ARGV[6] then
              -- kept a minute, marked, so that the gateway holding it sees it moved and drops it
              local before = redis.call('HGET', ARGV[7] .. previous, 'owner')
              if before then
                redis.call('SREM', ARGV[8] .. before, previous)
                redis.call('HSET', ARGV[7] .. previous, 'owner', ARGV[3], 'replaced', '1')
                redis.call('PEXPIRE', ARGV[7] .. previous, 60000)
              end
            end
            redis.call('HSET', KEYS[1], 'snapshot', ARGV[1], 'endpoint', ARGV[2], 'owner', ARGV[3], 'expiresAt', ARGV[4])
            redis.call('PEXPIREAT', KEYS[1], ARGV[5])
            redis.call('SADD', KEYS[2], ARGV[6])
            redis.call('SET', KEYS[3], ARGV[6], 'PXAT', ARGV[5])
            for i = 10, #ARGV do
              redis.call('SET', ARGV[9] .. ARGV[i], ARGV[6], 'PXAT', ARGV[5])
            end
            return 1""";
    private static final String DELETE = """
            local endpoint = redis.call('HGET', KEYS[1], 'endpoint')
            local owner = redis.call('HGET', KEYS[1], 'owner')
            redis.call('SREM', KEYS[2], ARGV[1])
            if owner and owner ~= ARGV[3] then
              return 0
            end
            redis.call('DEL', KEYS[1])
            if endpoint and redis.call('GET', ARGV[2] .. endpoint) == ARGV[1] then
              redis.call('DEL', ARGV[2] .. endpoint)
            end
            return 1""";
    /** KEYS[1]: the registration's hash, or the token's key when ARGV[4] is 'token'. */
    private static final String TAKE = """
            local id = ARGV[1]
            if ARGV[4] == 'token' then
              id = redis.call('GET', KEYS[1])
              if not id then
                return false
              end
            end
            local key = ARGV[5] .. id
            local fields = redis.call('HMGET', key, 'snapshot', 'owner', 'replaced')
            if not fields[1] or fields[3] then
              return false
            end
            local former = fields[2] or ''
            if former ~= ARGV[3] then
              if former ~= '' then
                redis.call('SREM', ARGV[2] .. former, id)
              end
              redis.call('HSET', key, 'owner', ARGV[3])
              redis.call('SADD', ARGV[2] .. ARGV[3], id)
            else
              former = ''
            end
            return {fields[1], former}""";
    private static final String MOVED = """
            local moved = {}
            for i = 3, #ARGV do
              local owner = redis.call('HGET', ARGV[1] .. ARGV[i], 'owner')
              if owner and owner ~= ARGV[2] then
                moved[#moved + 1] = ARGV[i]
              end
            end
            return moved""";
    private static final int MOVED_CHUNK = 500;

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
        List<String> args = new ArrayList<>(List.of(new String(s.content(), StandardCharsets.UTF_8), s.endpoint(),
                s.owner(), String.valueOf(s.expiresAt().toEpochMilli()), String.valueOf(expireAt), s.registrationId(),
                keys.registration(""), keys.registrations(""), keys.token("")));
        args.addAll(s.tokens());
        run(() -> redis.eval(SAVE, new String[] {keys.registration(s.registrationId()), keys.registrations(s.owner()),
                keys.endpoint(s.endpoint())}, args.toArray(String[]::new)));
    }

    @Override
    public void delete(String registrationId) throws IOException {
        run(() -> redis.eval(DELETE, new String[] {keys.registration(registrationId), keys.registrations(owner)},
                registrationId, keys.endpoint(""), owner));
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

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Optional<Taken> takeOver(String registrationId) throws IOException {
        return take(keys.registration(registrationId), registrationId, "id");
    }

    @Override
    public Optional<Taken> takeOverByToken(String token) throws IOException {
        return take(keys.token(token), "", "token");
    }

    @Override
    public Set<String> movedAway(Collection<String> registrationIds) throws IOException {
        Set<String> moved = new HashSet<>();
        List<String> ids = List.copyOf(registrationIds);
        for (int from = 0; from < ids.size(); from += MOVED_CHUNK) {
            List<String> args = new ArrayList<>(List.of(keys.registration(""), owner));
            args.addAll(ids.subList(from, Math.min(ids.size(), from + MOVED_CHUNK)));
            run(() -> {
                Response found = redis.eval(MOVED, new String[0], args.toArray(String[]::new));
                if (found != null) {
                    found.forEach(id -> moved.add(id.toString()));
                }
                return null;
            });
        }
        return moved;
    }

    private Optional<Taken> take(String key, String registrationId, String by) throws IOException {
        Response taken;
        try {
            taken = redis.eval(TAKE, new String[] {key}, registrationId, keys.registrations(""), owner, by,
                    keys.registration(""));
        } catch (RuntimeException e) {
            throw new IOException("redis: " + e.getMessage(), e);
        }
        if (taken == null || taken.size() < 2) {
            return Optional.empty();
        }
        return Optional.of(new Taken(taken.get(0).toBytes(), taken.get(1).toString()));
    }

    private static void run(java.util.function.Supplier<Response> call) throws IOException {
        try {
            call.get();
        } catch (RuntimeException e) {
            throw new IOException("redis: " + e.getMessage(), e);
        }
    }
}
