package io.lwm2mgw.northbound;

import io.lwm2mgw.domain.device.EndpointName;
import java.util.Objects;

/**
 * One encoded message on its way to every sink. Sinks choose the concrete MQTT topic or Kafka topic from
 * {@link #channel()}, {@link #endpoint()} and {@link #qualifier()}.
 *
 * @param qualifier the event kind for {@link Channel#EVENT}, the LwM2M path for {@link Channel#TELEMETRY},
 *                  empty for {@link Channel#STATUS}
 * @param payload   the JSON document, UTF-8
 */
public record OutboundMessage(Channel channel, EndpointName endpoint, String qualifier, byte[] payload,
        CloudEventAttributes cloudEvent) {

    public OutboundMessage {
        Objects.requireNonNull(channel);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(qualifier);
        Objects.requireNonNull(payload);
        Objects.requireNonNull(cloudEvent);
    }

    /** What kind of document a message carries; each maps to one MQTT topic family and one Kafka topic. */
    public enum Channel {
        /** The retained / compacted status document of a device. */
        STATUS,
        /** A lifecycle event. */
        EVENT,
        /** An observed value. */
        TELEMETRY
    }
}
