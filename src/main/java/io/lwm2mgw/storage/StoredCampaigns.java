package io.lwm2mgw.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.FirmwareDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored form of a campaign's start document, versioned by {@code v} and independent of the contract's
 * campaign document. Pure.
 */
public final class StoredCampaigns {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private StoredCampaigns() {
    }

    public static ObjectNode write(CampaignSpec spec) {
        ObjectNode doc = JSON.objectNode();
        doc.put("v", 1);
        doc.put("id", spec.id());
        ArrayNode endpoints = doc.putArray("endpoints");
        spec.endpoints().forEach(e -> endpoints.add(e.value()));
        StoredCommands.writeImage(doc, spec.image());
        doc.put("delivery", spec.delivery().name());
        doc.put("execute", spec.executeUpdate());
        doc.put("maxConcurrent", spec.maxConcurrent());
        doc.put("maxFailureRatio", spec.maxFailureRatio());
        spec.timeout().ifPresent(t -> doc.put("timeoutMs", t.toMillis()));
        spec.ttl().ifPresent(t -> doc.put("ttlMs", t.toMillis()));
        return doc;
    }

    public static CampaignSpec read(JsonNode doc) {
        if (doc.path("v").asInt() != 1) {
            throw new IllegalArgumentException("unknown stored campaign version " + doc.path("v"));
        }
        List<EndpointName> endpoints = new ArrayList<>();
        doc.get("endpoints").forEach(e -> endpoints.add(EndpointName.of(e.asText())));
        return new CampaignSpec(doc.get("id").asText(), endpoints, StoredCommands.readImage(doc),
                FirmwareDelivery.valueOf(doc.get("delivery").asText()), doc.get("execute").asBoolean(),
                doc.get("maxConcurrent").asInt(), doc.get("maxFailureRatio").asDouble(), millis(doc, "timeoutMs"),
                millis(doc, "ttlMs"));
    }

    private static Optional<Duration> millis(JsonNode doc, String field) {
        return doc.has(field) ? Optional.of(Duration.ofMillis(doc.get(field).asLong())) : Optional.empty();
    }
}
