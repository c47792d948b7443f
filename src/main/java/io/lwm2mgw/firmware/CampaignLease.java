package io.lwm2mgw.firmware;

import java.time.Duration;
import java.util.Optional;

/**
 * Which replica runs a campaign: the one holding its lease, taken when it starts or resumes the campaign and
 * renewed while it runs, so that a campaign runs once in a cluster and another replica carries it on when the
 * holder dies. Implemented on a state backend several replicas share; {@link #SOLE} (one gateway) always holds.
 * Called on the campaigns' thread; may block briefly.
 */
public interface CampaignLease {

    /** Takes the lease of {@code campaignId}, or renews it when this replica holds it; whether it holds it now. */
    boolean hold(String campaignId);

    /** Gives the lease up (the campaign ended): no replica needs to carry it on. */
    void release(String campaignId);

    /** How often a held lease must be renewed, and campaigns without a holder looked for; empty: never. */
    Optional<Duration> renewEvery();

    /** A single gateway: it holds every campaign. */
    CampaignLease SOLE = new CampaignLease() {
        @Override
        public boolean hold(String campaignId) {
            return true;
        }

        @Override
        public void release(String campaignId) {
        }

        @Override
        public Optional<Duration> renewEvery() {
            return Optional.empty();
        }
    };
}
