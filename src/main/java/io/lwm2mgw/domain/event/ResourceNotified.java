package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A notification of an observation (or its first response).
 *
 * @param path          the observed path
 * @param observationId the gateway's id of the observation
 * @param values        values by resource or resource-instance path, in path order
 */
public record ResourceNotified(
        Instant time, EndpointName endpoint, Lwm2mPath path, String observationId,
        SortedMap<Lwm2mPath, ResourceValue> values) implements DeviceEvent {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.notified(this);
    }


    public ResourceNotified {
        Objects.requireNonNull(time);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(path);
        Objects.requireNonNull(observationId);
        values = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    public static ResourceNotified of(Instant time, EndpointName endpoint, Lwm2mPath path, String observationId,
            Map<Lwm2mPath, ResourceValue> values) {
        return new ResourceNotified(time, endpoint, path, observationId, new TreeMap<>(values));
    }
}
