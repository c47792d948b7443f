package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** A device registered (spec 5.3.1). */
public record DeviceRegistered(Instant time, DeviceStatus status) implements DeviceLifecycleEvent {

    @Override
    public String kind() {
        return "registered";
    }

    @Override
    public EndpointName endpoint() {
        return status.endpoint();
    }
}
