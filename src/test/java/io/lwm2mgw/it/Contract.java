package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Assertions of the northbound contract that every published message must meet. */
public final class Contract {

    public static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    private Contract() {
    }

    /** An MQTT message from the gateway: content type, CloudEvents user properties, endpoint and time. */
    public static void assertMqttMessage(MqttProbe.Received message, String endpoint, String ceType) {
        assertThat(message.contentType()).as("content type of %s", message.topic()).contains("application/json");
        assertCloudEvent(message.userProperties(), endpoint, ceType, "");
        assertDocument(message.json(), endpoint);
    }

    /** A Kafka record from the gateway: raw endpoint key, binary-mode CloudEvents headers, document. */
    public static void assertKafkaRecord(KafkaProbe.Record record, String endpoint, String ceType) {
        assertThat(record.key()).isEqualTo(endpoint);
        assertThat(record.headers()).containsEntry("content-type", "application/json");
        assertCloudEvent(record.headers(), endpoint, ceType, "ce_");
        assertDocument(record.json(), endpoint);
    }

    private static void assertCloudEvent(Map<String, String> attributes, String endpoint, String type, String prefix) {
        assertThat(attributes).containsEntry(prefix + "specversion", "1.0")
                .containsEntry(prefix + "type", type)
                .containsEntry(prefix + "subject", endpoint)
                .containsEntry(prefix + "source", "/lwm2m-gateway/gw-test");
        assertThat(attributes.get(prefix + "id")).isNotBlank();
        assertThat(attributes.get(prefix + "time")).matches(TIME);
    }

    private static void assertDocument(JsonNode doc, String endpoint) {
        assertThat(doc.path("endpoint").asText()).isEqualTo(endpoint);
        assertThat(doc.path("time").asText()).matches(TIME);
    }

    /** The status document's fields. */
    public static void assertStatusFields(JsonNode doc) {
        assertThat(doc.fieldNames()).toIterable().contains("endpoint", "time", "state", "registrationId",
                "lwm2mVersion", "binding", "lifetime", "queueMode", "address", "objects");
        assertThat(doc.get("objects").isArray()).isTrue();
        assertThat(doc.get("lifetime").isIntegralNumber()).isTrue();
        assertThat(doc.get("queueMode").isBoolean()).isTrue();
    }
}
