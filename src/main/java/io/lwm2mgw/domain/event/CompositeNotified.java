package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A notification of a composite observation (LwM2M 1.1 Observe-Composite), or its first response: the values
 * of several paths at one time.
 *
 * @param paths         the observed paths, in the order the observation named them
 * @param observationId the gateway's id of the observation
 * @param values        values by resource or resource-instance path, in path order, for every path the
 *                      device reported
 */
public record CompositeNotified(Instant time, EndpointName endpoint, List<Lwm2mPath> paths, String observationId,
        SortedMap<Lwm2mPath, ResourceValue> values) implements DeviceEvent {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.compositeNotified(this);
    }


    public CompositeNotified {
        Objects.requireNonNull(time);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(observationId);
        paths = List.copyOf(paths);
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    public static CompositeNotified of(Instant time, EndpointName endpoint, List<Lwm2mPath> paths,
            String observationId, Map<Lwm2mPath, ResourceValue> values) {
        return new CompositeNotified(time, endpoint, paths, observationId, new TreeMap<>(values));
    }

    /** The values that lie at or below {@code path}. */
    public SortedMap<Lwm2mPath, ResourceValue> valuesOf(Lwm2mPath path) {
        SortedMap<Lwm2mPath, ResourceValue> below = new TreeMap<>();
        values.forEach((p, v) -> {
            if (p.startsWith(path)) {
                below.put(p, v);
            }
        });
        return below;
    }
}
