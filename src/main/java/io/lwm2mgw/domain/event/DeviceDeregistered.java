package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** A device de-registered (spec 5.3.3). */
public record DeviceDeregistered(Instant time, DeviceStatus status) implements DeviceLifecycleEvent {

    @Override
    public String kind() {
        return "deregistered";
    }

    @Override
    public EndpointName endpoint() {
        return status.endpoint();
    }
}
