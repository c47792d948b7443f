package io.lwm2mgw.command;

import io.lwm2mgw.domain.firmware.CampaignSpec;

/** The seam from the command sources to the campaign flow. Calls return fast; work happens elsewhere. */
public interface CampaignPort {

    /** Starts a campaign; a second start of a known id publishes its status again and changes nothing. */
    void start(CampaignSpec spec);

    /** Cancels a running campaign: devices not started yet are left out, running updates end normally. */
    void cancel(String id);

    /** A start or cancel that could not be read: published as the campaign's {@code invalid} status. */
    void reject(String id, String error);
}
