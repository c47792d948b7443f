package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.firmware.FirmwareImageIndex;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.state.StateBackend;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The default backend: every kind of state in one H2 MVStore file, {@code state.mv.db} in
 * {@code gateway.state.directory}, with durable, grouped commits ({@link MvStoreEngine}). At its first start
 * it takes over the file stores of the earlier version ({@link FileStateMigration}).
 */
public final class EmbeddedStateBackend implements StateBackend {

    private final MvStoreEngine engine;
    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final StoreHealth health;

    /** Opens the engine and migrates the earlier file stores; fails start-up with one line when it cannot. */
    public EmbeddedStateBackend(GatewayConfig config, ObjectMapper mapper, StoreHealth health,
            EarlierFormats earlier) {
        this(directory(config), config, mapper, health, earlier);
    }

    EmbeddedStateBackend(Path directory, GatewayConfig config, ObjectMapper mapper, StoreHealth health,
            EarlierFormats earlier) {
        this.config = config;
        this.mapper = mapper;
        this.health = health;
        this.engine = MvStoreEngine.open(directory);
        try {
            FileStateMigration.run(engine, sources(config), mapper, earlier);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw new UncheckedIOException("gateway.state.directory: the earlier file stores could not be migrated"
                    + " into " + engine.file() + ": " + e.getMessage(), e instanceof IOException io ? io
                            : new IOException(e));
        }
    }

    /** {@code gateway.state.directory}, by default {@code state} inside {@code gateway.lwm2m.state-directory}. */
    public static Path directory(GatewayConfig config) {
        // ops.StoreDirectories resolves the same default for the folder it locks
        return config.state().directory().orElse(config.lwm2m().stateDirectory().resolve("state"));
    }

    static FileStateMigration.Sources sources(GatewayConfig config) {
        var provisioning = config.lwm2m().security().provisioning();
        return new FileStateMigration.Sources(config.lwm2m().stateDirectory(), config.commands().storeDirectory(),
                config.firmware().campaignDirectory(),
                provisioning.enabled() ? Optional.of(provisioning.directory()) : Optional.empty(),
                config.commands().completedIdsRemembered());
    }

    @Override
    public RegistrationSnapshots registrations() {
        return new EmbeddedRegistrationSnapshots(engine);
    }

    @Override
    public QueuedCommandStore queuedCommands() {
        return new EmbeddedQueuedCommandStore(engine, mapper, health, config.storage().retryFirstDelay(),
                config.storage().retryMaxDelay());
    }

    @Override
    public LedgerStore ledger() {
        return new EmbeddedLedgerStore(engine, mapper, health);
    }

    @Override
    public CampaignStore campaigns() {
        return new EmbeddedCampaignStore(engine, mapper, new RetriedWrites("campaigns", health,
                config.storage().retryFirstDelay(), config.storage().retryMaxDelay()));
    }

    @Override
    public FirmwareImageIndex images() {
        return new EmbeddedImageIndex(engine);
    }

    @Override
    public ProvisionedCredentials credentials() {
        return new EmbeddedProvisionedCredentials(engine);
    }

    /** The engine itself (tests). */
    MvStoreEngine engine() {
        return engine;
    }

    /** Writes what is pending and closes the file. */
    @Override
    public void close() {
        engine.close();
    }
}
