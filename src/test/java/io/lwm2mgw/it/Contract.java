package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.TopicScheme;
import java.util.List;
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

    /**
     * Every MQTT message under {@code lwm2m/}: the gateway status is retained plain text; everything else is a
     * JSON document whose topic, retained flag, CloudEvents type and fields match its kind.
     */
    public static void assertEveryMqttMessage(List<MqttProbe.Received> messages) {
        TopicScheme topics = new TopicScheme("lwm2m");
        for (MqttProbe.Received m : messages) {
            if (m.topic().startsWith("lwm2m/gateway/")) {
                assertThat(m.topic()).matches("lwm2m/gateway/[^/]+/status");
                assertThat(m.text()).isIn("online", "offline");
                assertThat(m.retain()).as("gateway status retained").isTrue();
                continue;
            }
            if (m.topic().startsWith("lwm2m/campaigns/")) {
                assertThat(m.topic()).matches("lwm2m/campaigns/[^/]+/status");
                assertThat(m.json().path("state").asText())
                        .isIn("running", "completed", "stopped", "cancelled", "invalid");
                assertThat(m.retain()).as("campaign status retained, an invalid answer not: %s", m.text())
                        .isEqualTo(!m.json().path("state").asText().equals("invalid"));
                continue;
            }
            if (m.topic().matches("lwm2m/[^/]+/commands/.*")) {
                continue; // written by applications (other tests' too, on the shared broker), not by the gateway
            }
            JsonNode doc = m.json();
            EndpointName ep = EndpointName.of(doc.path("endpoint").asText());
            String prefix = topics.status(ep).substring(0, topics.status(ep).length() - "status".length());
            assertThat(m.topic()).as("topic of %s", doc).startsWith(prefix);
            String kind = m.topic().substring(prefix.length());
            if (kind.equals("status")) {
                assertThat(m.retain()).as("status retained: %s", m.topic()).isTrue();
                assertMqttMessage(m, ep.value(), "lwm2m.status");
                assertStatusFields(doc);
            } else if (kind.startsWith("events/")) {
                String event = kind.substring("events/".length());
                assertThat(m.retain()).as("events not retained: %s", m.topic()).isFalse();
                assertMqttMessage(m, ep.value(), "lwm2m." + event);
                assertThat(doc.path("event").asText()).isEqualTo(event);
                assertEventFields(event, doc);
            } else if (kind.startsWith("data/")) {
                assertThat(m.retain()).as("data not retained by default: %s", m.topic()).isFalse();
                assertTelemetryFields(doc);
                assertMqttMessage(m, ep.value(), doc.has("observationId") ? "lwm2m.notification" : "lwm2m.send");
                assertThat(doc.path("path").asText()).isEqualTo("/" + kind.substring("data/".length()));
                assertThat(doc.path("values").isObject()).isTrue();
                doc.path("values").fields().forEachRemaining(e -> assertThat(e.getKey())
                        .as("value paths lie below the observed path").startsWith(doc.path("path").asText()));
            } else if (kind.startsWith("results/")) {
                // a persistent session also receives commands other tests sent while it was away: their
                // results (not-registered, mostly) show up here and must meet the contract like any other
                assertThat(m.retain()).as("results not retained: %s", m.topic()).isFalse();
                assertMqttMessage(m, ep.value(), "lwm2m.command.result");
                assertThat(doc.path("op").asText()).isEqualTo(kind.substring("results/".length()));
                assertThat(doc.path("status").asText()).isNotBlank();
            } else {
                throw new AssertionError("unexpected topic " + m.topic());
            }
        }
    }

    /** Every Kafka record on the gateway's topics: raw endpoint key, CloudEvents type matching the topic. */
    public static void assertEveryKafkaRecord(List<KafkaProbe.Record> records) {
        for (KafkaProbe.Record r : records) {
            JsonNode doc = r.json();
            String endpoint = doc.path("endpoint").asText();
            switch (r.topic()) {
                case "lwm2m.status":
                    assertKafkaRecord(r, endpoint, "lwm2m.status");
                    assertStatusFields(doc);
                    break;
                case "lwm2m.events":
                    assertKafkaRecord(r, endpoint, "lwm2m." + doc.path("event").asText());
                    assertEventFields(doc.path("event").asText(), doc);
                    break;
                case "lwm2m.telemetry":
                    assertTelemetryFields(doc);
                    assertKafkaRecord(r, endpoint, doc.has("paths") ? "lwm2m.composite-notification"
                            : doc.has("observationId") ? "lwm2m.notification" : "lwm2m.send");
                    assertThat(doc.path("values").isObject()).isTrue();
                    break;
                case "lwm2m.command-results":
                    // results of unreadable commands (other tests' too) may lack an endpoint: type and status only
                    assertThat(r.headers()).containsEntry("ce_type", "lwm2m.command.result");
                    assertThat(doc.path("status").asText()).isNotBlank();
                    break;
                default:
                    throw new AssertionError("unexpected topic " + r.topic());
            }
        }
    }

    /**
     * Lifecycle events carry the status document; security and bootstrap events carry their own fields and
     * no status (they change no device's state).
     */
    public static void assertEventFields(String event, JsonNode doc) {
        switch (event) {
            case "security":
                assertThat(doc.fieldNames()).toIterable().containsExactlyInAnyOrder("endpoint", "time", "event",
                        "outcome", "identity", "address", "reason");
                break;
            case "firmware":
                assertThat(doc.fieldNames()).toIterable().contains("endpoint", "time", "event", "commandId", "state",
                        "bytesSent", "bytesTotal");
                assertThat(doc.get("state").asText()).isIn("started", "downloading", "downloaded", "updating",
                        "succeeded", "failed");
                break;
            case "bootstrap":
                assertThat(doc.fieldNames()).toIterable().contains("endpoint", "time", "event", "outcome",
                        "servers");
                assertThat(doc.get("outcome").asText()).isIn("finished", "failed");
                break;
            default:
                assertStatusFields(doc);
        }
    }

    /** Telemetry comes from an observation (with its id) or from a Send ({@code "source":"send"}), never both. */
    public static void assertTelemetryFields(JsonNode doc) {
        if (doc.has("observationId")) {
            assertThat(doc.path("observationId").asText()).isNotBlank();
            assertThat(doc.has("source")).as("a notification has no source: %s", doc).isFalse();
        } else {
            assertThat(doc.path("source").asText()).as("telemetry without an observation id: %s", doc)
                    .isEqualTo("send");
        }
        // a composite notification on Kafka lists its paths; everything else names one path
        assertThat(doc.fieldNames()).toIterable().contains("endpoint", "time", doc.has("paths") ? "paths" : "path",
                "values");
        if (doc.has("paths")) {
            assertThat(doc.path("observationId").asText()).as("a composite record is a notification").isNotBlank();
            assertThat(doc.has("path")).as("a composite record has paths, not a path").isFalse();
        }
    }

    /** The status document's fields. */
    public static void assertStatusFields(JsonNode doc) {
        assertThat(doc.fieldNames()).toIterable().contains("endpoint", "time", "state",
                "lwm2mVersion", "binding", "lifetime", "queueMode", "address", "objects");
        assertThat(doc.has("registrationId")).as("the registration id would let a subscriber take a device over")
                .isFalse();
        assertThat(doc.get("objects").isArray()).isTrue();
        assertThat(doc.get("lifetime").isIntegralNumber()).isTrue();
        assertThat(doc.get("queueMode").isBoolean()).isTrue();
    }
}
