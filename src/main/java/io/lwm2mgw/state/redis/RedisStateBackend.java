package io.lwm2mgw.state.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.command.ReplicaHandover;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.config.StateConfig;
import io.lwm2mgw.firmware.CampaignLease;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.firmware.FirmwareImageIndex;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.state.StateBackend;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import java.time.Clock;

/**
 * The state on a Redis 7 (or Valkey) server ({@code gateway.state.backend=redis}, {@code quarkus.redis.hosts}),
 * every key under {@code gateway.state.redis.key-prefix}; each per-device change is one script, so it is
 * atomic. Durable as the server's persistence is (use {@code appendonly yes}, {@code appendfsync everysec} or
 * {@code always}). Registrations are stored with their owner ({@code gateway.id}), and a gateway reads back
 * only its own.
 */
public final class RedisStateBackend implements StateBackend {

    private final RedisCall redis;
    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    private final Clock clock;
    private final RedisKeys keys;

    public RedisStateBackend(RedisCall redis, GatewayConfig config, ObjectMapper mapper, StoreHealth health,
            Clock clock) {
        this.redis = redis;
        this.config = config;
        this.mapper = mapper;
        this.health = health;
        this.clock = clock;
        this.keys = new RedisKeys(config.state().redis().keyPrefix());
        redis.call("PING"); // a server that cannot be reached stops start-up here, naming quarkus.redis.hosts
    }

    @Override
    public RegistrationSnapshots registrations() {
        StateConfig.RedisStateConfig settings = config.state().redis();
        return new RedisRegistrationSnapshots(redis, keys, config.id(), settings.registrationGrace(), clock);
    }

    @Override
    public QueuedCommandStore queuedCommands() {
        return new RedisQueuedCommandStore(redis, keys, mapper, health);
    }

    @Override
    public LedgerStore ledger() {
        return new RedisLedgerStore(redis, keys, mapper, health);
    }

    @Override
    public CampaignStore campaigns() {
        return new RedisCampaignStore(redis, keys, mapper, new RetriedWrites("campaigns", health,
                config.storage().retryFirstDelay(), config.storage().retryMaxDelay()));
    }

    @Override
    public FirmwareImageIndex images() {
        return new RedisImageIndex(redis, keys, config.id());
    }

    @Override
    public ProvisionedCredentials credentials() {
        return new RedisProvisionedCredentials(redis, keys);
    }

    @Override
    public ReplicaHandover handover() {
        return new RedisReplicaHandover(redis, keys, config.id(), mapper, clock,
                config.state().redis().ownershipCheckInterval());
    }

    @Override
    public CampaignLease campaignLease() {
        return new RedisCampaignLease(redis, keys, config.id(), config.state().redis().campaignLease());
    }

    @Override
    public void close() {
        // the connection belongs to the Quarkus Redis client, which closes it at shutdown
    }
}
