package io.lwm2mgw.state.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.FileQueuedCommandStore;
import io.lwm2mgw.command.JournalLedgerStore;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.firmware.FileCampaignStore;
import io.lwm2mgw.southbound.lwm2m.FileRegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentialsFile;
import io.lwm2mgw.state.StateBackend;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;

/**
 * The state as earlier versions kept it: one file per registration, per queued command and per campaign, a
 * journal of completed commands and one file of provisioned credentials, each in the folder its own key
 * names. Each store is made when first asked for and closed by its user.
 */
public final class FileStateBackend implements StateBackend {

    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    private final EarlierFormats earlier;

    public FileStateBackend(GatewayConfig config, ObjectMapper mapper, StoreHealth health, EarlierFormats earlier) {
        this.config = config;
        this.mapper = mapper;
        this.health = health;
        this.earlier = earlier;
    }

    @Override
    public RegistrationSnapshots registrations() {
        return new FileRegistrationSnapshots(config.lwm2m().stateDirectory());
    }

    @Override
    public QueuedCommandStore queuedCommands() {
        return new FileQueuedCommandStore(config.commands().storeDirectory(), mapper, health,
                config.storage().retryFirstDelay(), config.storage().retryMaxDelay(), earlier);
    }

    @Override
    public LedgerStore ledger() {
        return new JournalLedgerStore(config.commands().storeDirectory(), mapper, health);
    }

    @Override
    public CampaignStore campaigns() {
        return new FileCampaignStore(config.firmware().campaignDirectory(), mapper, new RetriedWrites("campaigns",
                health, config.storage().retryFirstDelay(), config.storage().retryMaxDelay()), earlier);
    }

    @Override
    public ProvisionedCredentials credentials() {
        return new ProvisionedCredentialsFile(config.lwm2m().security().provisioning().directory());
    }

    @Override
    public void close() {
        // each file store is closed by its user
    }
}
