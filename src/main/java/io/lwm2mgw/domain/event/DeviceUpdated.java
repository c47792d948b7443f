package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;
import java.util.Map;

/**
 * A device sent a registration update (spec 5.3.2).
 *
 * @param changes the fields that changed, by their status-document name, with their new value
 */
public record DeviceUpdated(Instant time, DeviceStatus status, Map<String, Object> changes)
        implements DeviceLifecycleEvent {

    @Override
    public String kind() {
        return "updated";
    }


    public DeviceUpdated {
        changes = Map.copyOf(changes);
    }

    @Override
    public EndpointName endpoint() {
        return status.endpoint();
    }
}
