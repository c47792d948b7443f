package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** A queue-mode device's awake time passed: it is not reachable until it sends something again. */
public record DeviceSleeping(Instant time, DeviceStatus status) implements DeviceLifecycleEvent {

    @Override
    public String kind() {
        return "sleeping";
    }

    @Override
    public EndpointName endpoint() {
        return status.endpoint();
    }
}
