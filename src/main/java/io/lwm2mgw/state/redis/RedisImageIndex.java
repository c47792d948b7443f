package io.lwm2mgw.state.redis;

import io.lwm2mgw.firmware.FirmwareImageIndex;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The firmware image index on Redis: the hash {@code {prefix}:images:{gateway.id}} (digest to last use, epoch
 * ms), one per gateway, since each keeps its images in its own folder. A use that cannot be recorded is logged:
 * it costs an eviction order, never an image.
 */
final class RedisImageIndex implements FirmwareImageIndex {

    private static final Logger LOG = Logger.getLogger(RedisImageIndex.class);

    private final RedisCall redis;
    private final String key;

    RedisImageIndex(RedisCall redis, RedisKeys keys, String owner) {
        this.redis = redis;
        this.key = keys.images(owner);
    }

    @Override
    public Map<String, Long> lastUses() {
        Map<String, Long> all = new HashMap<>();
        Response entries = redis.call("HGETALL", key);
        for (String sha256 : entries.getKeys()) {
            all.put(sha256, entries.get(sha256).toLong());
        }
        return all;
    }

    @Override
    public void used(String sha256, long epochMillis) {
        change("HSET", sha256, String.valueOf(epochMillis));
    }

    @Override
    public void removed(String sha256) {
        change("HDEL", sha256);
    }

    private void change(String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = key;
        System.arraycopy(args, 0, all, 1, args.length);
        try {
            redis.call(command, all);
        } catch (RuntimeException e) {
            LOG.warnf("firmware image index not updated in redis: %s", e.getMessage());
        }
    }
}
