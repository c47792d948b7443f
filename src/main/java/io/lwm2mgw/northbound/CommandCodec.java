package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.domain.command.WriteMode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Reads command documents (contract: "Command document") into validated requests. Everything that can be
 * checked without the device's object model is checked here; what fails gets an {@code invalid} result that
 * names the problem. Pure: no I/O.
 */
public final class CommandCodec {

    private static final Set<String> OPS = Set.of("read", "write", "write-attributes", "execute", "create",
            "delete", "discover", "observe", "cancel-observe", "firmware-update", "credentials-put",
            "credentials-delete", "read-composite", "write-composite", "observe-composite", "cancel-observe-composite");
    private static final Set<String> FORMATS = Set.of("text", "opaque", "tlv", "json", "senml-json",
            "senml-cbor", "cbor");
    private static final Set<String> ATTRIBUTES = Set.of("pmin", "pmax", "gt", "lt", "st");

    private final ObjectMapper mapper;
    private final Duration defaultTimeout;
    private final Duration defaultTtl;
    private final Duration defaultFirmwareTimeout;

    /** The codec with the configured defaults for commands that give no timeout or ttl. */
    public static CommandCodec of(ObjectMapper mapper, io.lwm2mgw.config.GatewayConfig config) {
        return new CommandCodec(mapper, config.commands().defaultTimeout(), config.commands().defaultTtl(),
                config.firmware().totalTimeout());
    }

    public CommandCodec(ObjectMapper mapper, Duration defaultTimeout, Duration defaultTtl) {
        this(mapper, defaultTimeout, defaultTtl, Duration.ofHours(1));
    }

    /** @param defaultFirmwareTimeout the whole update's timeout when a firmware-update gives none */
    public CommandCodec(ObjectMapper mapper, Duration defaultTimeout, Duration defaultTtl,
            Duration defaultFirmwareTimeout) {
        this.mapper = mapper;
        this.defaultTimeout = defaultTimeout;
        this.defaultTtl = defaultTtl;
        this.defaultFirmwareTimeout = defaultFirmwareTimeout;
    }

    /** A decoded command: accepted for execution, or rejected with its final result. */
    public sealed interface Decoded {
        record Accepted(CommandRequest request) implements Decoded { }

        record Rejected(CommandResult result) implements Decoded { }
    }

    /**
     * @param topicEndpoint the endpoint from the MQTT topic (empty for Kafka: the document must name it)
     * @param topicOp       the op from the MQTT topic (empty for Kafka)
     */
    public Decoded decode(byte[] payload, Optional<EndpointName> topicEndpoint, Optional<String> topicOp,
            Optional<ReplyAddress> replyTo, Instant now) {
        JsonNode doc;
        try {
            doc = mapper.readTree(payload);
        } catch (IOException e) {
            return reject(Optional.empty(), topicEndpoint, topicOp, Optional.empty(), replyTo, now,
                    "unreadable JSON: " + firstLine(e.getMessage()));
        }
        if (doc == null || !doc.isObject()) {
            return reject(Optional.empty(), topicEndpoint, topicOp, Optional.empty(), replyTo, now,
                    "the command must be a JSON object");
        }
        Optional<String> id = text(doc, "id");
        Optional<String> docOp = text(doc, "op");
        Optional<String> op = topicOp.or(() -> docOp);
        Optional<EndpointName> endpoint = topicEndpoint.or(() -> text(doc, "endpoint").filter(s -> !s.isEmpty())
                .map(EndpointName::of));
        Optional<Lwm2mPath> path = Optional.empty();
        try {
            path = text(doc, "path").map(Lwm2mPath::parse);
        } catch (IllegalArgumentException e) {
            return reject(id, endpoint, op, Optional.empty(), replyTo, now, e.getMessage());
        }
        try {
            if (doc.has("id") && !doc.get("id").isTextual()) {
                throw new IllegalArgumentException("'id' must be a string");
            }
            if (endpoint.isEmpty()) {
                throw new IllegalArgumentException("missing 'endpoint'");
            }
            if (topicEndpoint.isPresent() && text(doc, "endpoint").isPresent()
                    && !text(doc, "endpoint").get().equals(topicEndpoint.get().value())) {
                throw new IllegalArgumentException("'endpoint' " + text(doc, "endpoint").get()
                        + " differs from the topic's endpoint " + topicEndpoint.get());
            }
            if (op.isEmpty()) {
                throw new IllegalArgumentException("missing 'op'");
            }
            if (topicOp.isPresent() && docOp.isPresent() && !docOp.equals(topicOp)) {
                throw new IllegalArgumentException("'op' " + docOp.get() + " differs from the topic's op "
                        + topicOp.get());
            }
            if (!OPS.contains(op.get())) {
                throw new IllegalArgumentException("unknown op '" + op.get() + "'");
            }
            boolean firmware = op.get().equals("firmware-update");
            DeviceCommand command;
            if (op.get().startsWith("credentials-")) {
                if (path.isPresent() && path.get().depth() > 0) {
                    throw new IllegalArgumentException(op.get() + " concerns the whole device: no 'path'");
                }
                command = op.get().equals("credentials-put")
                        ? new DeviceCommand.ProvisionCredentials(CredentialsCommandCodec.credentials(doc))
                        : new DeviceCommand.RemoveCredentials();
            } else if (op.get().endsWith("-composite")) {
                if (path.isPresent()) {
                    throw new IllegalArgumentException(op.get() + " takes 'paths'" + (op.get().equals(
                            "write-composite") ? " by their 'values'" : "") + ", not 'path'");
                }
                command = CompositeCommandCodec.decode(op.get(), doc, format(doc));
            } else if (firmware) {
                if (path.isPresent() && !path.get().toString().equals("/5/0")) {
                    throw new IllegalArgumentException("firmware-update works on /5/0, not " + path.get());
                }
                command = FirmwareCommandCodec.decode(doc);
            } else {
                Lwm2mPath target = path.orElseThrow(() -> new IllegalArgumentException("missing 'path'"));
                command = command(op.get(), target, doc);
            }
            Duration timeout = seconds(doc, "timeout").orElse(firmware ? defaultFirmwareTimeout : defaultTimeout);
            Duration ttl = seconds(doc, "ttl").orElse(defaultTtl);
            boolean retry = bool(doc, "retry");
            return new Decoded.Accepted(new CommandRequest(id.orElseGet(() -> UUID.randomUUID().toString()),
                    endpoint.get(), command, timeout, ttl, now, replyTo, retry));
        } catch (IllegalArgumentException e) {
            return reject(id, endpoint, op, path, replyTo, now, e.getMessage());
        }
    }

    private static Optional<String> format(JsonNode doc) {
        Optional<String> format = text(doc, "format");
        if (format.isPresent() && !FORMATS.contains(format.get())) {
            throw new IllegalArgumentException("unknown format '" + format.get() + "' (one of " + FORMATS + ")");
        }
        return format;
    }

    private DeviceCommand command(String op, Lwm2mPath path, JsonNode doc) {
        Optional<String> format = format(doc);
        switch (op) {
            case "read":
                depth(op, path, 1, 4);
                return new DeviceCommand.ReadResource(path, format);
            case "write":
                depth(op, path, 2, 4);
                return write(path, doc, format);
            case "write-attributes":
                depth(op, path, 1, 4);
                return new DeviceCommand.WriteAttributes(path, attributes(doc));
            case "execute":
                depth(op, path, 3, 3);
                Optional<String> args = text(doc, "args");
                if (doc.has("args") && !doc.get("args").isTextual()) {
                    throw new IllegalArgumentException("'args' must be a string such as \"0='on',1\"");
                }
                return new DeviceCommand.ExecuteResource(path, args);
            case "create":
                depth(op, path, 1, 2);
                return new DeviceCommand.CreateInstance(path, createValues(path, doc), format);
            case "delete":
                depth(op, path, 2, 2);
                return new DeviceCommand.DeleteInstance(path);
            case "discover":
                depth(op, path, 1, 3);
                return new DeviceCommand.DiscoverLinks(path);
            case "observe":
                depth(op, path, 1, 4);
                return new DeviceCommand.ObserveResource(path, format);
            case "cancel-observe":
                depth(op, path, 1, 4);
                return new DeviceCommand.CancelObservation(path);
            default:
                throw new IllegalArgumentException("unknown op '" + op + "'");
        }
    }

    private static final List<String> LEVELS = List.of("the root", "an object", "an object instance",
            "a resource", "a resource instance");

    private static void depth(String op, Lwm2mPath path, int min, int max) {
        if (path.depth() < min || path.depth() > max) {
            throw new IllegalArgumentException(op + " does not apply to " + LEVELS.get(path.depth()) + " ("
                    + path + ")");
        }
    }

    private DeviceCommand write(Lwm2mPath path, JsonNode doc, Optional<String> format) {
        WriteMode mode = WriteMode.REPLACE;
        Optional<String> modeText = text(doc, "mode");
        if (modeText.isPresent()) {
            if (modeText.get().equals("update")) {
                mode = WriteMode.UPDATE;
            } else if (!modeText.get().equals("replace")) {
                throw new IllegalArgumentException("'mode' must be replace or update, not '" + modeText.get() + "'");
            }
        }
        Map<Lwm2mPath, CommandValue> values = new TreeMap<>();
        if (doc.has("value")) {
            if (doc.has("values")) {
                throw new IllegalArgumentException("give either 'value' or 'values', not both");
            }
            if (path.depth() < 3) {
                throw new IllegalArgumentException("'value' writes one resource: give 'values' for " + path);
            }
            values.put(path, value(path, doc.get("value")));
        } else if (doc.has("values")) {
            JsonNode node = doc.get("values");
            if (!node.isObject() || node.isEmpty()) {
                throw new IllegalArgumentException("'values' must be a non-empty object from path to value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Lwm2mPath p = Lwm2mPath.parse(e.getKey());
                if (!p.startsWith(path) || p.depth() < 3) {
                    throw new IllegalArgumentException("value path " + p + " is not a resource below " + path);
                }
                values.put(p, value(p, e.getValue()));
            }
        } else {
            throw new IllegalArgumentException("write needs 'value' or 'values'");
        }
        return new DeviceCommand.WriteResource(path, mode, values, format);
    }

    /** Create values: by full path below an instance path, or by resource id below an object path. */
    private Map<Lwm2mPath, CommandValue> createValues(Lwm2mPath path, JsonNode doc) {
        Map<Lwm2mPath, CommandValue> values = new TreeMap<>();
        JsonNode node = doc.get("values");
        if (node == null) {
            return values;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("'values' must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Lwm2mPath p;
            if (path.depth() == 1) {
                // the device picks the instance: resources by id, placed under a placeholder instance 0
                Lwm2mPath relative = Lwm2mPath.parse(e.getKey());
                if (relative.depth() < 1 || relative.depth() > 2) {
                    throw new IllegalArgumentException("create on " + path + " takes values by resource id, not '"
                            + e.getKey() + "'");
                }
                int[] ids = relative.ids();
                p = ids.length == 1 ? Lwm2mPath.of(path.objectId(), 0, ids[0])
                        : Lwm2mPath.of(path.objectId(), 0, ids[0], ids[1]);
            } else {
                p = Lwm2mPath.parse(e.getKey());
                if (!p.startsWith(path) || p.depth() < 3) {
                    throw new IllegalArgumentException("value path " + p + " is not a resource of " + path);
                }
            }
            values.put(p, value(p, e.getValue()));
        }
        return values;
    }

    static CommandValue value(Lwm2mPath path, JsonNode node) {
        if (node.isTextual()) {
            return new CommandValue.Text(node.asText());
        } else if (node.isNumber()) {
            return new CommandValue.Number(node.decimalValue());
        } else if (node.isBoolean()) {
            return new CommandValue.Bool(node.asBoolean());
        }
        throw new IllegalArgumentException("value of " + path + " must be a string, number or boolean, not "
                + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static Map<String, Optional<BigDecimal>> attributes(JsonNode doc) {
        JsonNode node = doc.get("attributes");
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException("write-attributes needs a non-empty 'attributes' object");
        }
        Map<String, Optional<BigDecimal>> attributes = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ATTRIBUTES.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown attribute '" + e.getKey() + "' (one of " + ATTRIBUTES + ")");
            }
            if (e.getValue().isNull()) {
                attributes.put(e.getKey(), Optional.empty());
            } else if (e.getValue().isNumber()) {
                attributes.put(e.getKey(), Optional.of(e.getValue().decimalValue()));
            } else {
                throw new IllegalArgumentException("attribute '" + e.getKey() + "' must be a number or null");
            }
        }
        return attributes;
    }

    /** The longest {@code timeout} or {@code ttl} a command may give: 30 days. */
    static final long MAX_SECONDS = 30L * 24 * 3600;

    /**
     * A duration field in seconds (a JSON number, fractions allowed): from 1 ms up to {@link #MAX_SECONDS}, so
     * that {@code 1e308} cannot overflow a deadline into the past or keep a command for ever.
     */
    static Optional<Duration> seconds(JsonNode doc, String field) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        double value = node.asDouble();
        if (!node.isNumber() || !(value >= 0.001 && value <= MAX_SECONDS)) {
            throw new IllegalArgumentException("'" + field + "' must be a number of seconds from 0.001 to "
                    + MAX_SECONDS + " (30 days)");
        }
        return Optional.of(Duration.ofMillis(Math.round(value * 1000)));
    }

    private static boolean bool(JsonNode doc, String field) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new IllegalArgumentException("'" + field + "' must be true or false");
        }
        return node.booleanValue();
    }

    static Optional<String> text(JsonNode doc, String field) {
        JsonNode node = doc.get(field);
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static Decoded reject(Optional<String> id, Optional<EndpointName> endpoint, Optional<String> op,
            Optional<Lwm2mPath> path, Optional<ReplyAddress> replyTo, Instant now, String error) {
        return new Decoded.Rejected(new CommandResult(id, endpoint, op, path, now, CommandStatus.INVALID,
                Optional.empty(), new TreeMap<>(), List.of(), Optional.empty(), Optional.of(error), replyTo));
    }
}
