package io.lwm2mgw.state.redis;

import io.lwm2mgw.firmware.CampaignLease;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Campaign leases on Redis: {@code {prefix}:campaign-lease:{id}} names the replica ({@code gateway.id}) that runs
 * the campaign and expires after {@code gateway.state.redis.campaign-lease} unless renewed, which its holder does
 * every third of that. Taking and renewing is one script (set when absent or already ours); a server that
 * cannot be reached holds nothing, so no replica starts a campaign it cannot coordinate.
 */
final class RedisCampaignLease implements CampaignLease {

    private static final Logger LOG = Logger.getLogger(RedisCampaignLease.class);

    private static final String HOLD = """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1""";
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
            end
            return 1""";

    private final RedisCall redis;
    private final RedisKeys keys;
    private final String self;
    private final Duration lease;

    RedisCampaignLease(RedisCall redis, RedisKeys keys, String self, Duration lease) {
        this.redis = redis;
        this.keys = keys;
        this.self = self;
        this.lease = lease;
    }

    @Override
    public boolean hold(String campaignId) {
        try {
            Response held = redis.eval(HOLD, new String[] {keys.campaignLease(campaignId)}, self,
                    String.valueOf(lease.toMillis()));
            return held != null && held.toInteger() == 1;
        } catch (RuntimeException e) {
            LOG.warnf("campaign %s: lease not taken or renewed in redis: %s", campaignId, e.getMessage());
            return false;
        }
    }

    @Override
    public void release(String campaignId) {
        try {
            redis.eval(RELEASE, new String[] {keys.campaignLease(campaignId)}, self);
        } catch (RuntimeException e) {
            LOG.debugf("campaign %s: lease not released (it expires): %s", campaignId, e.getMessage());
        }
    }

    @Override
    public Optional<Duration> renewEvery() {
        return Optional.of(lease.dividedBy(3));
    }
}
