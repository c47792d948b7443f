package io.lwm2mgw.northbound;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.command.ReplyAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One encoded message on its way to every sink. Sinks choose the concrete MQTT topic or Kafka topic from
 * {@link #channel()}, {@link #endpoint()} and {@link #qualifier()}.
 *
 * @param qualifier the event kind for {@link Channel#EVENT}, the LwM2M path for {@link Channel#TELEMETRY} and
 *                  {@link Channel#PATH_TELEMETRY},
 *                  the op for {@link Channel#RESULT}, empty for {@link Channel#STATUS}
 * @param payload   the JSON document, UTF-8
 * @param replyTo   for a result: the requester's MQTT response topic and correlation data, if it gave them
 */
public record OutboundMessage(Channel channel, EndpointName endpoint, String qualifier, byte[] payload,
        CloudEventAttributes cloudEvent, Optional<ReplyAddress> replyTo) {

    public OutboundMessage {
        Objects.requireNonNull(channel);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(qualifier);
        Objects.requireNonNull(payload);
        Objects.requireNonNull(cloudEvent);
        Objects.requireNonNull(replyTo);
    }

    /** A message that goes to its channel's usual topic. */
    public OutboundMessage(Channel channel, EndpointName endpoint, String qualifier, byte[] payload,
            CloudEventAttributes cloudEvent) {
        this(channel, endpoint, qualifier, payload, cloudEvent, Optional.empty());
    }

    /** What kind of document a message carries; each maps to one MQTT topic family and one Kafka topic. */
    public enum Channel {
        /** The retained / compacted status document of a device. */
        STATUS,
        /** A lifecycle event. */
        EVENT,
        /** An observed value. */
        TELEMETRY,
        /**
         * The part of a composite notification about one of its paths: MQTT's {@code data/{path}} only (Kafka
         * carries the whole notification as one {@link #COMPOSITE_TELEMETRY} record).
         */
        PATH_TELEMETRY,
        /** A whole composite notification, every path in one document: Kafka's telemetry topic only. */
        COMPOSITE_TELEMETRY,
        /** The result of a command. */
        RESULT,
        /**
         * The retained / compacted status of a firmware campaign; {@link #endpoint()} carries the campaign id
         * (the Kafka key and the MQTT topic level).
         */
        CAMPAIGN,
        /**
         * An answer to a campaign message that changed no campaign (an unknown id, an unreadable document): the
         * campaign's status topic, but never retained, so it cannot hide or fake a campaign's status.
         */
        CAMPAIGN_ANSWER,
        /**
         * An id that has no campaign, after an answer to it: a tombstone (no value) on Kafka's compacted
         * campaign status topic, so that compaction keeps nothing for it; MQTT does not carry it.
         */
        CAMPAIGN_CLEARED;

        /** Readings, which give way (oldest first) when a buffer is full; nothing else ever does. */
        public boolean telemetry() {
            return this == TELEMETRY || this == PATH_TELEMETRY || this == COMPOSITE_TELEMETRY;
        }
    }
}
