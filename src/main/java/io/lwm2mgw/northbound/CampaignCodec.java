package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Campaign documents of the contract: the start document ({@code id}, {@code endpoints}, {@code image},
 * {@code method}, {@code maxConcurrent}, {@code maxFailureRatio}, and optionally {@code execute},
 * {@code timeout}, {@code ttl}), the cancel record, and the status document.
 */
public final class CampaignCodec {

    private final ObjectMapper mapper;

    public CampaignCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** What an incoming campaign message asks for. */
    public sealed interface Decoded {
        record Start(CampaignSpec spec) implements Decoded { }

        record Cancel(String id) implements Decoded { }

        record Rejected(String id, String error) implements Decoded { }
    }

    /**
     * @param topicId     the id from the MQTT topic or the Kafka key, when there is one
     * @param topicAction {@code start} or {@code cancel} from the MQTT topic; empty on Kafka, where a record
     *                    with {@code "action":"cancel"} cancels and any other starts
     */
    public Decoded decode(byte[] payload, Optional<String> topicId, Optional<String> topicAction) {
        String fallbackId = topicId.orElse("-");
        if (topicId.isPresent() && topicAction.equals(Optional.of("cancel"))
                && new String(payload, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new Decoded.Cancel(topicId.get()); // the topic says it all
        }
        JsonNode doc;
        try {
            doc = mapper.readTree(payload);
        } catch (IOException e) {
            return new Decoded.Rejected(fallbackId, "unreadable JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (doc == null || !doc.isObject()) {
            return new Decoded.Rejected(fallbackId, "the campaign document must be a JSON object");
        }
        Optional<String> docId = doc.hasNonNull("id") ? Optional.of(doc.get("id").asText()) : Optional.empty();
        String id = topicId.or(() -> docId).orElse("-");
        if (topicId.isPresent() && docId.isPresent() && !docId.equals(topicId)) {
            return new Decoded.Rejected(id, "'id' " + docId.get() + " differs from the topic's id " + topicId.get());
        }
        if (id.equals("-")) {
            return new Decoded.Rejected(id, "missing 'id'");
        }
        String action = topicAction.orElseGet(() -> doc.hasNonNull("action") ? doc.get("action").asText() : "start");
        if (action.equals("cancel")) {
            return new Decoded.Cancel(id);
        }
        if (!action.equals("start")) {
            return new Decoded.Rejected(id, "'action' must be start or cancel, not '" + action + "'");
        }
        try {
            return new Decoded.Start(spec(id, doc));
        } catch (IllegalArgumentException e) {
            return new Decoded.Rejected(id, e.getMessage());
        }
    }

    /** Reads a start document (also how a stored campaign is read back). */
    public CampaignSpec spec(String id, JsonNode doc) {
        JsonNode list = doc.get("endpoints");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("'endpoints' must be a list of endpoint names");
        }
        List<EndpointName> endpoints = new ArrayList<>();
        for (JsonNode ep : list) {
            if (!ep.isTextual() || ep.asText().isEmpty()) {
                throw new IllegalArgumentException("'endpoints' must hold non-empty strings");
            }
            endpoints.add(EndpointName.of(ep.asText()));
        }
        DeviceCommand.UpdateFirmware update = FirmwareCommandCodec.decode(doc);
        int maxConcurrent = doc.has("maxConcurrent") ? intField(doc, "maxConcurrent") : 10;
        double ratio = 1.0;
        if (doc.has("maxFailureRatio")) {
            if (!doc.get("maxFailureRatio").isNumber()) {
                throw new IllegalArgumentException("'maxFailureRatio' must be a number between 0 and 1");
            }
            ratio = doc.get("maxFailureRatio").asDouble();
        }
        return new CampaignSpec(id, endpoints, update.image(), update.delivery(), update.executeUpdate(),
                maxConcurrent, ratio, seconds(doc, "timeout"), seconds(doc, "ttl"));
    }

    /** The start document of a spec, as stored. */
    public ObjectNode document(CampaignSpec spec) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("id", spec.id());
        var endpoints = doc.putArray("endpoints");
        spec.endpoints().forEach(ep -> endpoints.add(ep.value()));
        FirmwareCommandCodec.encode(new DeviceCommand.UpdateFirmware(spec.image(), spec.delivery(),
                spec.executeUpdate()), doc);
        doc.put("maxConcurrent", spec.maxConcurrent());
        doc.put("maxFailureRatio", spec.maxFailureRatio());
        spec.timeout().ifPresent(t -> doc.put("timeout", t.toMillis() / 1000.0));
        spec.ttl().ifPresent(t -> doc.put("ttl", t.toMillis() / 1000.0));
        return doc;
    }

    /** The status document of the contract. */
    public ObjectNode status(CampaignStatus status) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("id", status.id());
        doc.put("time", Rfc3339.format(status.time()));
        doc.put("state", status.state().wireName());
        doc.put("total", status.devices().size());
        doc.put("pending", status.count(CampaignStatus.DeviceState.PENDING)
                + status.count(CampaignStatus.DeviceState.QUEUED));
        doc.put("updating", status.count(CampaignStatus.DeviceState.UPDATING));
        doc.put("succeeded", status.count(CampaignStatus.DeviceState.SUCCEEDED));
        doc.put("failed", status.count(CampaignStatus.DeviceState.FAILED));
        doc.put("cancelled", status.count(CampaignStatus.DeviceState.CANCELLED));
        ObjectNode devices = doc.putObject("devices");
        status.devices().forEach((ep, state) -> devices.put(ep.value(), state.wireName()));
        status.error().ifPresent(e -> doc.put("error", e));
        return doc;
    }

    public byte[] bytes(JsonNode doc) {
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int intField(JsonNode doc, String field) {
        JsonNode node = doc.get(field);
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number");
        }
        return node.asInt();
    }

    private static Optional<Duration> seconds(JsonNode doc, String field) {
        return CommandCodec.seconds(doc, field);
    }
}
