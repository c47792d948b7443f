package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** A device's registration lifetime passed without an update. */
public record DeviceExpired(Instant time, DeviceStatus status) implements DeviceLifecycleEvent {

    @Override
    public String kind() {
        return "expired";
    }

    @Override
    public EndpointName endpoint() {
        return status.endpoint();
    }
}
