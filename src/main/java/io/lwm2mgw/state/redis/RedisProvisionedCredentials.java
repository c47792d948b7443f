package io.lwm2mgw.state.redis;

import io.lwm2mgw.southbound.lwm2m.security.CredentialEntryCodec;
import io.lwm2mgw.southbound.lwm2m.security.DeviceCredentials;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provisioned credentials on Redis: the hash {@code {prefix}:credentials} (endpoint to its entry in the
 * credentials file's format). It holds keys: the server should require authentication and TLS.
 */
final class RedisProvisionedCredentials implements ProvisionedCredentials {

    private final RedisCall redis;
    private final RedisKeys keys;

    RedisProvisionedCredentials(RedisCall redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public Map<String, DeviceCredentials> load() {
        Map<String, DeviceCredentials> all = new LinkedHashMap<>();
        Response entries = redis.call("HGETALL", keys.credentials());
        for (String endpoint : entries.getKeys()) {
            try {
                all.put(endpoint, CredentialEntryCodec.decode(entries.get(endpoint).toBytes()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("provisioned credentials of " + endpoint + " in redis ("
                        + keys.credentials() + ") are unreadable: " + e.getMessage(), e);
            }
        }
        return all;
    }

    @Override
    public void put(DeviceCredentials credentials) {
        change(() -> redis.call("HSET", keys.credentials(), credentials.endpoint(),
                new String(CredentialEntryCodec.encode(credentials), StandardCharsets.UTF_8)));
    }

    @Override
    public void remove(String endpoint) {
        change(() -> redis.call("HDEL", keys.credentials(), endpoint));
    }

    private void change(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            throw new UncheckedIOException("cannot store provisioned credentials in redis: " + e.getMessage(),
                    new IOException(e));
        }
    }
}
