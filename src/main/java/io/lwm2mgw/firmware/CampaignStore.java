package io.lwm2mgw.firmware;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import java.util.List;
import java.util.Map;

/**
 * The state seam of campaigns: each campaign's start document, its state and every device's state, so that a
 * restarted gateway carries on where it stopped. Implemented by the files of earlier versions
 * ({@link FileCampaignStore}) and by the state backends. Saves are asynchronous and retried by the store
 * (a newer state of a campaign replaces an unwritten one); called from the campaign flow's thread.
 */
public interface CampaignStore {

    /** A campaign read back. */
    record Stored(CampaignSpec spec, CampaignStatus.State state, Map<EndpointName, CampaignStatus.DeviceState> devices) { }

    /** Stores a campaign's current state, replacing the one stored before. */
    void save(CampaignSpec spec, CampaignStatus.State state, Map<EndpointName, CampaignStatus.DeviceState> devices);

    /** Every stored campaign; one that cannot be read is logged and skipped. */
    List<Stored> loadAll();

    /** Writes what is pending and stops retrying. */
    void close();
}
