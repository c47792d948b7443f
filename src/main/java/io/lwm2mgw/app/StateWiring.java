package io.lwm2mgw.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.state.StateBackend;
import io.lwm2mgw.state.embedded.EmbeddedStateBackend;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.ConfigValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Chooses the state backend by {@code gateway.state.backend} and hands each user its store. The backend is
 * opened when a store is first asked for (after the store folders were checked) and closed by
 * {@link #close()}, last of the parts that write state.
 */
@ApplicationScoped
public class StateWiring {

    private volatile StateBackend opened;

    @Produces
    @Singleton
    StateBackend backend(GatewayConfig config, ObjectMapper mapper, StoreHealth health, EarlierFormats earlier) {
        StateBackend backend = switch (config.state().backend()) {
            case "embedded" -> new EmbeddedStateBackend(config, mapper, health, earlier);
            default -> throw new ConfigValidationException(new ConfigValidationException.Problem[] {
                new ConfigValidationException.Problem("gateway.state.backend: '" + config.state().backend()
                        + "' is not available")});
        };
        opened = backend;
        return backend;
    }

    @Produces
    @Singleton
    RegistrationSnapshots registrations(StateBackend backend) {
        return backend.registrations();
    }

    @Produces
    @Singleton
    QueuedCommandStore queuedCommands(StateBackend backend) {
        return backend.queuedCommands();
    }

    @Produces
    @Singleton
    LedgerStore ledger(StateBackend backend) {
        return backend.ledger();
    }

    @Produces
    @Singleton
    CampaignStore campaigns(StateBackend backend) {
        return backend.campaigns();
    }

    @Produces
    @Singleton
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
