package io.lwm2mgw.northbound.kafka;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.northbound.CloudEventAttributes;
import io.lwm2mgw.northbound.OutboundMessage;
import io.lwm2mgw.northbound.ResultCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** How an outbound message becomes its Kafka record, and on which topic (the {@code gateway.kafka.*} topics). */
public final class KafkaRecords {

    private final GatewayConfig.KafkaConfig topics;

    KafkaRecords(GatewayConfig.KafkaConfig topics) {
        this.topics = topics;
    }

    /** The message as its record, on its channel's topic. */
    ProducerRecord<String, byte[]> record(OutboundMessage message) {
        return record(message, topic(message.channel()));
    }

    /**
     * One message as its Kafka record: the endpoint as key (none for a command that named no device), the JSON
     * document as value (none for a campaign's tombstone), the CloudEvents attributes as {@code ce_*} headers
     * (binary mode) and the content type. Public so that bench K1 sends exactly these records.
     */
    public static ProducerRecord<String, byte[]> record(OutboundMessage message, String topic) {
        String key = message.endpoint().equals(ResultCodec.UNKNOWN_ENDPOINT) ? null : message.endpoint().value();
        byte[] value = message.channel() == OutboundMessage.Channel.CAMPAIGN_CLEARED ? null : message.payload();
        return new ProducerRecord<>(topic, null, key, value, headers(message.cloudEvent()));
    }

    /** Every channel has its topic: a new channel does not compile until it is given one here. */
    String topic(OutboundMessage.Channel channel) {
        return switch (channel) {
            case STATUS -> topics.statusTopic();
            case EVENT -> topics.eventsTopic();
            case TELEMETRY, COMPOSITE_TELEMETRY -> topics.telemetryTopic();
            // a composite notification is one COMPOSITE_TELEMETRY record (KafkaSink.carries)
            case PATH_TELEMETRY -> throw new IllegalArgumentException("Kafka does not carry " + channel);
            case RESULT -> topics.commandResultsTopic();
            case CAMPAIGN, CAMPAIGN_ANSWER, CAMPAIGN_CLEARED -> topics.campaignStatusTopic();
        };
    }

    private static RecordHeaders headers(CloudEventAttributes ce) {
        RecordHeaders headers = new RecordHeaders();
        ce.asMap().forEach((k, v) -> headers.add("ce_" + k, v.getBytes(StandardCharsets.UTF_8)));
        headers.add("content-type", CloudEventAttributes.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
