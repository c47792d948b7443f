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
 * A device sent data on its own (LwM2M 1.1 Information Reporting "Send", {@code POST /dp}).
 *
 * @param time     when the gateway received the Send
 * @param readings every reading the Send carried, oldest first: one per path and timestamp, so several
 *                 readings of one path are all kept
 */
public record DataSent(Instant time, EndpointName endpoint, List<Reading> readings) implements DeviceEvent {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.sent(this);
    }


    public DataSent {
        Objects.requireNonNull(time);
        Objects.requireNonNull(endpoint);
        readings = List.copyOf(readings);
    }

    /**
     * The values of one path at one time.
     *
     * @param time   the reading's own timestamp when the device gave one, else when the Send was received
     * @param path   the path the device reported (object, instance, resource or resource instance)
     * @param values values by resource or resource-instance path, in path order
     */
    public record Reading(Instant time, Lwm2mPath path, SortedMap<Lwm2mPath, ResourceValue> values) {

        public Reading {
            Objects.requireNonNull(time);
            Objects.requireNonNull(path);
            values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        }

        public static Reading of(Instant time, Lwm2mPath path, Map<Lwm2mPath, ResourceValue> values) {
            return new Reading(time, path, new TreeMap<>(values));
        }
    }
}
