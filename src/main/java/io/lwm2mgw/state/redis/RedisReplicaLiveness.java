package io.lwm2mgw.state.redis;

import java.time.Clock;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Which replicas are alive: each keeps {@code {prefix}:replica:{gateway.id}} (its last beat, epoch ms) with a
 * time to live of {@value #BEATS_PER_TTL} beats, renewed every beat, deleted on a graceful stop. A replica
 * killed or cut off from Redis is gone once its key expires. Called on the handover's thread.
 */
final class RedisReplicaLiveness {

    private static final Logger LOG = Logger.getLogger(RedisReplicaLiveness.class);
    static final int BEATS_PER_TTL = 3;

    private final RedisCall redis;
    private final RedisKeys keys;
    private final String self;
    private final Duration ttl;
    private final Clock clock;
    private volatile boolean failing;

    /** @param beat how often {@link #beat()} is called (the ownership-check interval) */
    RedisReplicaLiveness(RedisCall redis, RedisKeys keys, String self, Duration beat, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.self = self;
        this.ttl = beat.multipliedBy(BEATS_PER_TTL);
        this.clock = clock;
    }

    /** Renews this replica's key; a failure is logged once until a beat goes through again. */
    void beat() {
        try {
            redis.call("SET", keys.replica(self), String.valueOf(clock.millis()), "PX",
                    String.valueOf(ttl.toMillis()));
            if (failing) {
                LOG.infof("replica heartbeat in redis renewed again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warnf("replica heartbeat not renewed in redis: %s", e.getMessage());
                failing = true;
            }
        }
    }

    /** Whether {@code replica} beat within its time to live. */
    boolean alive(String replica) {
        return replica.equals(self) || redis.call("EXISTS", keys.replica(replica)).toInteger() == 1;
    }

    /** A graceful stop: the others see at once that this replica is gone. */
    void leave() {
        try {
            redis.call("DEL", keys.replica(self));
        } catch (RuntimeException e) {
            LOG.debugf("replica heartbeat not removed: %s", e.getMessage());
        }
    }
}
