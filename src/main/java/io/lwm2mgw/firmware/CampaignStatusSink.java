package io.lwm2mgw.firmware;

import io.lwm2mgw.domain.firmware.CampaignStatus;

/** Where campaign statuses go (implemented by the northbound: retained on MQTT, compacted on Kafka). */
public interface CampaignStatusSink {

    /** Publishes the campaign's current status; never blocks. */
    void publish(CampaignStatus status);

    /**
     * Answers a campaign message that changed no campaign (an unknown id, an unreadable document) on the
     * campaign's status topic without retaining it; never blocks.
     */
    void answer(CampaignStatus status);

    /**
     * The id has no campaign: clear whatever a compacted topic holds under it (on Kafka a tombstone after an
     * answer, which compaction would otherwise keep as the id's status for ever); MQTT retained nothing.
     */
    void forget(String id);
}
