package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** A queue-mode device is reachable (spec 8.3): it registered, updated or sent a message. */
public record DeviceAwake(Instant time, DeviceStatus status) implements DeviceLifecycleEvent {

    @Override
    public String kind() {
        return "awake";
    }

    @Override
    public EndpointName endpoint() {
        return status.endpoint();
    }
}
