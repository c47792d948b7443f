package io.lwm2mgw.state.redis;

import io.vertx.redis.client.Response;

/**
 * One Redis command, sent and waited for: the only way the redis stores reach the server. Production sends it
 * through the Quarkus Redis client ({@code quarkus.redis.hosts}); tests through a plain Vert.x client. Called
 * on the stores' own threads (never an event loop); throws when the server refuses or cannot be reached.
 */
@FunctionalInterface
public interface RedisCall {

    /** Sends {@code command} with {@code args}; the reply, or null for a nil reply. */
    Response call(String command, String... args);

    /** {@code EVAL script numkeys keys... args...}: one atomic step on the server. */
    default Response eval(String script, String[] keys, String... args) {
        String[] all = new String[2 + keys.length + args.length];
        all[0] = script;
        all[1] = String.valueOf(keys.length);
        System.arraycopy(keys, 0, all, 2, keys.length);
        System.arraycopy(args, 0, all, 2 + keys.length, args.length);
        return call("EVAL", all);
    }
}
