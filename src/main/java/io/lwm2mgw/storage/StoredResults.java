package io.lwm2mgw.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DiscoveredLink;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ObjectLink;
import io.lwm2mgw.domain.device.ResourceValue;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stored form of a command result (the command ledger keeps completed results across restarts). Its own
 * format, versioned by the field {@code v}, so that a change of the contract's result document never turns
 * into a silent migration of stored data. Pure.
 */
public final class StoredResults {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private StoredResults() {
    }

    public static ObjectNode write(CommandResult r) {
        ObjectNode doc = JSON.objectNode();
        doc.put("v", 1);
        r.id().ifPresent(v -> doc.put("id", v));
        r.endpoint().ifPresent(v -> doc.put("endpoint", v.value()));
        r.op().ifPresent(v -> doc.put("op", v));
        r.path().ifPresent(v -> doc.put("path", v.toString()));
        doc.put("time", r.time().toString());
        doc.put("status", r.status().name());
        r.code().ifPresent(v -> doc.put("code", v));
        if (!r.values().isEmpty()) {
            ObjectNode values = doc.putObject("values");
            r.values().forEach((path, value) -> values.set(path.toString(), value(value)));
        }
        if (!r.links().isEmpty()) {
            ArrayNode links = doc.putArray("links");
            for (DiscoveredLink link : r.links()) {
                ObjectNode l = links.addObject();
                l.put("path", link.path());
                ObjectNode attributes = l.putObject("attributes");
                link.attributes().forEach(attributes::put);
            }
        }
        r.location().ifPresent(v -> doc.put("location", v));
        r.error().ifPresent(v -> doc.put("error", v));
        r.replyTo().ifPresent(reply -> {
            ObjectNode to = doc.putObject("replyTo");
            to.put("topic", reply.topic());
            reply.correlationData().ifPresent(c -> to.put("correlationData", B64.encodeToString(c)));
        });
        return doc;
    }

    public static CommandResult read(JsonNode doc) {
        if (doc.path("v").asInt() != 1) {
            throw new IllegalArgumentException("unknown stored result version " + doc.path("v"));
        }
        TreeMap<Lwm2mPath, ResourceValue> values = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("values").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            values.put(Lwm2mPath.parse(e.getKey()), value(e.getValue()));
        }
        List<DiscoveredLink> links = new ArrayList<>();
        for (JsonNode l : doc.path("links")) {
            Map<String, String> attributes = new HashMap<>();
            l.path("attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
            links.add(new DiscoveredLink(l.get("path").asText(), attributes));
        }
        Optional<ReplyAddress> replyTo = Optional.ofNullable(doc.get("replyTo")).map(to -> new ReplyAddress(
                to.get("topic").asText(), text(to, "correlationData").map(B64D::decode)));
        return new CommandResult(text(doc, "id"), text(doc, "endpoint").map(EndpointName::of), text(doc, "op"),
                text(doc, "path").map(Lwm2mPath::parse), Instant.parse(doc.get("time").asText()),
                CommandStatus.valueOf(doc.get("status").asText()), text(doc, "code"), values, links,
                text(doc, "location"), text(doc, "error"), replyTo);
    }

    private static Optional<String> text(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    /** A value as {@code {"t": type, "v": value}}: the type letter keeps what JSON alone would lose. */
    private static ObjectNode value(ResourceValue value) {
        ObjectNode n = JSON.objectNode();
        if (value instanceof ResourceValue.IntegerValue v) {
            n.put("t", "i").put("v", v.value());
        } else if (value instanceof ResourceValue.UnsignedValue v) {
            n.put("t", "u").put("v", v.value().toString());
        } else if (value instanceof ResourceValue.FloatValue v) {
            n.put("t", "f").put("v", v.value());
        } else if (value instanceof ResourceValue.BooleanValue v) {
            n.put("t", "b").put("v", v.value());
        } else if (value instanceof ResourceValue.StringValue v) {
            n.put("t", "s").put("v", v.value());
        } else if (value instanceof ResourceValue.OpaqueValue v) {
            n.put("t", "o").put("v", B64.encodeToString(v.value()));
        } else if (value instanceof ResourceValue.TimeValue v) {
            n.put("t", "t").put("v", v.value().toString());
        } else {
            ObjectLink link = ((ResourceValue.ObjlnkValue) value).value();
            n.put("t", "l").put("v", link.toString());
        }
        return n;
    }

    private static ResourceValue value(JsonNode n) {
        JsonNode v = n.get("v");
        return switch (n.get("t").asText()) {
            case "i" -> new ResourceValue.IntegerValue(v.asLong());
            case "u" -> new ResourceValue.UnsignedValue(new BigInteger(v.asText()));
            case "f" -> new ResourceValue.FloatValue(v.asDouble());
            case "b" -> new ResourceValue.BooleanValue(v.asBoolean());
            case "s" -> new ResourceValue.StringValue(v.asText());
            case "o" -> new ResourceValue.OpaqueValue(B64D.decode(v.asText()));
            case "t" -> new ResourceValue.TimeValue(Instant.parse(v.asText()));
            case "l" -> {
                String[] parts = v.asText().split(":");
                yield new ResourceValue.ObjlnkValue(new ObjectLink(Integer.parseInt(parts[0]),
                        Integer.parseInt(parts[1])));
            }
            default -> throw new IllegalArgumentException("unknown stored value type " + n.get("t"));
        };
    }
}
