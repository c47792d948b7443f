package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.DiscoveredLink;
import io.lwm2mgw.domain.device.EndpointName;
import java.io.UncheckedIOException;
import java.util.UUID;

/** Writes command results as the contract's result document, with CloudEvents type lwm2m.command.result. */
public final class ResultCodec {

    /** Where a result whose command named no endpoint is filed (its Kafka key stays empty). */
    public static final EndpointName UNKNOWN_ENDPOINT = EndpointName.of("-");

    private final ObjectMapper mapper;
    private final String source;

    public ResultCodec(ObjectMapper mapper, String gatewayId) {
        this.mapper = mapper;
        this.source = "/lwm2m-gateway/" + gatewayId;
    }

    private static boolean failed(io.lwm2mgw.domain.command.CommandStatus status) {
        return status != io.lwm2mgw.domain.command.CommandStatus.SUCCESS
                && status != io.lwm2mgw.domain.command.CommandStatus.QUEUED;
    }

    public OutboundMessage encode(CommandResult result) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        result.id().ifPresent(id -> doc.put("id", id));
        result.endpoint().ifPresent(ep -> doc.put("endpoint", ep.value()));
        result.op().ifPresent(op -> doc.put("op", op));
        // the root stands for "the whole device" (credentials): the contract then has no path
        result.path().filter(path -> path.depth() > 0).ifPresent(path -> doc.put("path", path.toString()));
        doc.put("time", Rfc3339.format(result.time()));
        doc.put("status", result.status().wireName());
        result.code().ifPresent(code -> doc.put("code", code));
        if (!result.values().isEmpty()) {
            ObjectNode values = doc.putObject("values");
            result.values().forEach((path, value) -> values.set(path.toString(), ValueJson.toJson(value)));
        }
        if (!result.links().isEmpty()) {
            ArrayNode links = doc.putArray("links");
            for (DiscoveredLink link : result.links()) {
                ObjectNode l = links.addObject();
                l.put("path", link.path());
                ObjectNode attributes = l.putObject("attributes");
                link.attributes().forEach(attributes::put);
            }
        }
        result.location().ifPresent(location -> doc.put("location", location));
        // error appears only on failure; a queued (or successful) command's explanation is its detail
        result.error().ifPresent(text -> doc.put(failed(result.status()) ? "error" : "detail", text));
        byte[] payload;
        try {
            payload = mapper.writeValueAsBytes(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        EndpointName endpoint = result.endpoint().orElse(UNKNOWN_ENDPOINT);
        CloudEventAttributes ce = new CloudEventAttributes(UUID.randomUUID().toString(), source,
                "lwm2m.command.result", endpoint.value(), result.time());
        return new OutboundMessage(OutboundMessage.Channel.RESULT, endpoint, result.op().orElse("unknown"), payload,
                ce, result.replyTo());
    }
}
