package io.lwm2mgw.state;

import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.command.ReplicaHandover;
import io.lwm2mgw.firmware.CampaignLease;
import io.lwm2mgw.firmware.CampaignStore;
import io.lwm2mgw.firmware.FirmwareImageIndex;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;

/**
 * One backend of the gateway's state ({@code gateway.state.backend}): it hands out one store per kind of state,
 * each behind the seam its user defines, and is closed last, once every user has written what it had.
 * Opened at start after the configuration and the store folders were checked, before anything is served.
 */
public interface StateBackend extends AutoCloseable {

    /** Registrations with their observations. */
    RegistrationSnapshots registrations();

    /** Commands waiting for sleeping devices. */
    QueuedCommandStore queuedCommands();

    /** Completed command ids with their results, and marks of commands being sent. */
    LedgerStore ledger();

    /** Firmware campaigns. */
    CampaignStore campaigns();

    /** When each cached firmware image was last used (the images stay files). */
    FirmwareImageIndex images();

    /** Credentials applications provisioned. */
    ProvisionedCredentials credentials();

    /**
     * How commands reach the replica holding their device, when several share this backend; called once. The
     * default, a backend of one gateway: every command runs where it arrived.
     */
    default ReplicaHandover handover() {
        return ReplicaHandover.NONE;
    }

    /** Which replica runs each campaign; the default, one gateway, runs them all. */
    default CampaignLease campaignLease() {
        return CampaignLease.SOLE;
    }

    /** Releases the backend; what a store was given before is durable. */
    @Override
    void close();
}
