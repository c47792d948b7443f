package io.lwm2mgw.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.command.ReplicaHandover;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.firmware.CampaignLease;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.firmware.FirmwareImageIndex;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.state.StateBackend;
import io.lwm2mgw.state.embedded.EmbeddedStateBackend;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.state.redis.RedisCall;
import io.lwm2mgw.state.redis.RedisStateBackend;
import io.quarkus.redis.datasource.RedisDataSource;
import io.smallrye.config.ConfigValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Chooses the state backend by {@code gateway.state.backend} and hands each user its store. Each store is a
 * client proxy, so the backend is opened when a store is first used (the registrations' restore, after the
 * store folders were checked and locked), not when a bean that holds one is made; it is closed by
 * {@link #close()}, last of the parts that write state.
 */
@ApplicationScoped
public class StateWiring {

    private volatile StateBackend opened;

    @Produces
    @Singleton
    StateBackend backend(GatewayConfig config, ObjectMapper mapper, StoreHealth health, EarlierFormats earlier,
            Clock clock, Instance<RedisDataSource> redis) {
        StateBackend backend = switch (config.state().backend()) {
            case "embedded" -> new EmbeddedStateBackend(config, mapper, health, earlier);
            case "redis" -> new RedisStateBackend(redisCall(redis), config, mapper, health, clock);
            default -> throw problem("gateway.state.backend: '" + config.state().backend() + "' is not available");
        };
        opened = backend;
        return backend;
    }

    /** The Quarkus Redis client, asked for only on the redis backend (it is inactive otherwise). */
    private static RedisCall redisCall(Instance<RedisDataSource> redis) {
        if (ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).isEmpty()) {
            throw problem("quarkus.redis.hosts: must name the Redis server for gateway.state.backend=redis");
        }
        RedisDataSource client = redis.get();
        return (command, args) -> {
            io.vertx.mutiny.redis.client.Response reply = client.execute(command, args);
            return reply == null ? null : reply.getDelegate();
        };
    }

    private static ConfigValidationException problem(String message) {
        return new ConfigValidationException(new ConfigValidationException.Problem[] {
            new ConfigValidationException.Problem(message)});
    }

    @Produces
    @ApplicationScoped
    RegistrationSnapshots registrations(StateBackend backend) {
        return backend.registrations();
    }

    @Produces
    @ApplicationScoped
    QueuedCommandStore queuedCommands(StateBackend backend) {
        return backend.queuedCommands();
    }

    @Produces
    @ApplicationScoped
    LedgerStore ledger(StateBackend backend) {
        return backend.ledger();
    }

    @Produces
    @Singleton
    ReplicaHandover handover(StateBackend backend) {
        return backend.handover();
    }

    @Produces
    @Singleton
    CampaignLease campaignLease(StateBackend backend) {
        return backend.campaignLease();
    }

    @Produces
    @ApplicationScoped
    CampaignStore campaigns(StateBackend backend) {
        return backend.campaigns();
    }

    @Produces
    @ApplicationScoped
    FirmwareImageIndex images(StateBackend backend) {
        return backend.images();
    }

    @Produces
    @ApplicationScoped
    ProvisionedCredentials credentials(StateBackend backend) {
        return backend.credentials();
    }

    /** Once every part that writes state has stopped: the backend, if it was opened, is released. */
    void close() {
        StateBackend backend = opened;
        if (backend != null) {
            backend.close();
            opened = null;
        }
    }
}
