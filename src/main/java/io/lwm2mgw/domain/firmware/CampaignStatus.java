package io.lwm2mgw.domain.firmware;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Where a campaign stands, as published on every change of a device's state. */
public record CampaignStatus(String id, Instant time, State state, Map<EndpointName, DeviceState> devices,
        Optional<String> error) {

    public CampaignStatus {
        Objects.requireNonNull(id);
        Objects.requireNonNull(time);
        Objects.requireNonNull(state);
        Objects.requireNonNull(error);
        devices = Collections.unmodifiableMap(new LinkedHashMap<>(devices));
    }

    /** The campaign as a whole. */
    public enum State {
        RUNNING, COMPLETED, STOPPED, CANCELLED, INVALID;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isFinal() {
            return this != RUNNING;
        }
    }

    /** One device within the campaign. */
    public enum DeviceState {
        /** Not started yet. */
        PENDING,
        /** Handed over, waiting for the sleeping device to wake up. */
        QUEUED,
        UPDATING, SUCCEEDED, FAILED,
        /** Never started: the campaign was cancelled or stopped first. */
        CANCELLED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public long count(DeviceState which) {
        return devices.values().stream().filter(which::equals).count();
    }
}
