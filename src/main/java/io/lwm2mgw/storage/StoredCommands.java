package io.lwm2mgw.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.CredentialSpec;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.domain.command.WriteMode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.firmware.FirmwareDelivery;
import io.lwm2mgw.domain.firmware.FirmwareImageSource;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The stored form of a command request (commands waiting for sleeping devices, firmware updates under way).
 * Its own format, versioned by {@code v}: a change of the contract's command documents never changes what is
 * on disk. Pure.
 */
public final class StoredCommands {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private StoredCommands() {
    }

    public static ObjectNode write(CommandRequest request) {
        ObjectNode doc = JSON.objectNode();
        doc.put("v", 1);
        doc.put("id", request.id());
        doc.put("endpoint", request.endpoint().value());
        doc.put("timeoutMs", request.timeout().toMillis());
        doc.put("ttlMs", request.ttl().toMillis());
        doc.put("receivedAt", request.receivedAt().toString());
        doc.put("retry", request.retry());
        request.replyTo().ifPresent(reply -> {
            ObjectNode to = doc.putObject("replyTo");
            to.put("topic", reply.topic());
            reply.correlationData().ifPresent(c -> to.put("correlationData", B64.encodeToString(c)));
        });
        doc.set("command", request.command().accept(new Writer()));
        return doc;
    }

    public static CommandRequest read(JsonNode doc) {
        if (doc.path("v").asInt() != 1) {
            throw new IllegalArgumentException("unknown stored command version " + doc.path("v"));
        }
        Optional<ReplyAddress> replyTo = Optional.ofNullable(doc.get("replyTo")).map(to -> new ReplyAddress(
                to.get("topic").asText(), text(to, "correlationData").map(B64D::decode)));
        return new CommandRequest(doc.get("id").asText(), EndpointName.of(doc.get("endpoint").asText()),
                command(doc.get("command")), Duration.ofMillis(doc.get("timeoutMs").asLong()),
                Duration.ofMillis(doc.get("ttlMs").asLong()), Instant.parse(doc.get("receivedAt").asText()),
                replyTo, doc.path("retry").asBoolean(false));
    }

    /** Each variant as {@code {"kind": ..., "path": ..., ...}}. */
    private static final class Writer implements DeviceCommand.Visitor<ObjectNode> {

        private static ObjectNode node(String kind, DeviceCommand command) {
            ObjectNode n = JSON.objectNode();
            n.put("kind", kind);
            n.put("path", command.path().toString());
            return n;
        }

        private static ObjectNode withFormat(ObjectNode n, Optional<String> format) {
            format.ifPresent(f -> n.put("format", f));
            return n;
        }

        private static ObjectNode values(Map<Lwm2mPath, CommandValue> values) {
            ObjectNode n = JSON.objectNode();
            values.forEach((path, value) -> {
                if (value instanceof CommandValue.Text t) {
                    n.putObject(path.toString()).put("s", t.value());
                } else if (value instanceof CommandValue.Number num) {
                    n.putObject(path.toString()).put("n", num.value());
                } else {
                    n.putObject(path.toString()).put("b", ((CommandValue.Bool) value).value());
                }
            });
            return n;
        }

        @Override
        public ObjectNode read(DeviceCommand.ReadResource c) {
            return withFormat(node("read", c), c.format());
        }

        @Override
        public ObjectNode write(DeviceCommand.WriteResource c) {
            ObjectNode n = withFormat(node("write", c), c.format());
            n.put("mode", c.mode().name());
            n.set("values", values(c.values()));
            return n;
        }

        @Override
        public ObjectNode writeAttributes(DeviceCommand.WriteAttributes c) {
            ObjectNode n = node("write-attributes", c);
            ObjectNode attributes = n.putObject("attributes");
            c.attributes().forEach((name, value) -> {
                if (value.isPresent()) {
                    attributes.put(name, value.get());
                } else {
                    attributes.putNull(name);
                }
            });
            return n;
        }

        @Override
        public ObjectNode execute(DeviceCommand.ExecuteResource c) {
            ObjectNode n = node("execute", c);
            c.arguments().ifPresent(a -> n.put("arguments", a));
            return n;
        }

        @Override
        public ObjectNode create(DeviceCommand.CreateInstance c) {
            ObjectNode n = withFormat(node("create", c), c.format());
            n.set("values", values(c.values()));
            return n;
        }

        @Override
        public ObjectNode delete(DeviceCommand.DeleteInstance c) {
            return node("delete", c);
        }

        @Override
        public ObjectNode discover(DeviceCommand.DiscoverLinks c) {
            return node("discover", c);
        }

        @Override
        public ObjectNode observe(DeviceCommand.ObserveResource c) {
            return withFormat(node("observe", c), c.format());
        }

        @Override
        public ObjectNode updateFirmware(DeviceCommand.UpdateFirmware c) {
            ObjectNode n = node("firmware-update", c);
            n.put("delivery", c.delivery().name());
            n.put("execute", c.executeUpdate());
            writeImage(n, c.image());
            return n;
        }

        @Override
        public ObjectNode provisionCredentials(DeviceCommand.ProvisionCredentials c) {
            ObjectNode n = node("credentials-put", c);
            n.put("mode", c.credentials().mode().name());
            c.credentials().identity().ifPresent(i -> n.put("identity", i));
            c.credentials().key().ifPresent(k -> n.put("key", k));
            return n;
        }

        @Override
        public ObjectNode removeCredentials(DeviceCommand.RemoveCredentials c) {
            return node("credentials-delete", c);
        }

        @Override
        public ObjectNode cancelObservation(DeviceCommand.CancelObservation c) {
            return node("cancel-observe", c);
        }

        private static ObjectNode withPaths(ObjectNode n, java.util.List<Lwm2mPath> paths) {
            com.fasterxml.jackson.databind.node.ArrayNode list = n.putArray("paths");
            paths.forEach(p -> list.add(p.toString()));
            return n;
        }

        @Override
        public ObjectNode readComposite(DeviceCommand.ReadComposite c) {
            return withPaths(withFormat(node("read-composite", c), c.format()), c.paths());
        }

        @Override
        public ObjectNode writeComposite(DeviceCommand.WriteComposite c) {
            ObjectNode n = withFormat(node("write-composite", c), c.format());
            n.set("values", values(c.values()));
            return n;
        }

        @Override
        public ObjectNode observeComposite(DeviceCommand.ObserveComposite c) {
            return withPaths(withFormat(node("observe-composite", c), c.format()), c.paths());
        }

        @Override
        public ObjectNode cancelCompositeObservation(DeviceCommand.CancelCompositeObservation c) {
            return withPaths(node("cancel-observe-composite", c), c.paths());
        }
    }

    private static java.util.List<Lwm2mPath> paths(JsonNode n) {
        java.util.List<Lwm2mPath> paths = new java.util.ArrayList<>();
        n.get("paths").forEach(p -> paths.add(Lwm2mPath.parse(p.asText())));
        return paths;
    }

    private static DeviceCommand command(JsonNode n) {
        Lwm2mPath path = Lwm2mPath.parse(n.get("path").asText());
        Optional<String> format = text(n, "format");
        return switch (n.get("kind").asText()) {
            case "read" -> new DeviceCommand.ReadResource(path, format);
            case "write" -> new DeviceCommand.WriteResource(path, WriteMode.valueOf(n.get("mode").asText()),
                    values(n.get("values")), format);
            case "write-attributes" -> {
                Map<String, Optional<BigDecimal>> attributes = new HashMap<>();
                n.get("attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(),
                        a.getValue().isNull() ? Optional.empty() : Optional.of(a.getValue().decimalValue())));
                yield new DeviceCommand.WriteAttributes(path, attributes);
            }
            case "execute" -> new DeviceCommand.ExecuteResource(path, text(n, "arguments"));
            case "create" -> new DeviceCommand.CreateInstance(path, values(n.get("values")), format);
            case "delete" -> new DeviceCommand.DeleteInstance(path);
            case "discover" -> new DeviceCommand.DiscoverLinks(path);
            case "observe" -> new DeviceCommand.ObserveResource(path, format);
            case "firmware-update" -> new DeviceCommand.UpdateFirmware(readImage(n),
                    FirmwareDelivery.valueOf(n.get("delivery").asText()), n.get("execute").asBoolean());
            case "credentials-put" -> new DeviceCommand.ProvisionCredentials(new CredentialSpec(
                    CredentialSpec.Mode.valueOf(n.get("mode").asText()), text(n, "identity"), text(n, "key")));
            case "credentials-delete" -> new DeviceCommand.RemoveCredentials();
            case "cancel-observe" -> new DeviceCommand.CancelObservation(path);
            case "read-composite" -> new DeviceCommand.ReadComposite(paths(n), format);
            case "write-composite" -> new DeviceCommand.WriteComposite(values(n.get("values")), format);
            case "observe-composite" -> new DeviceCommand.ObserveComposite(paths(n), format);
            case "cancel-observe-composite" -> new DeviceCommand.CancelCompositeObservation(paths(n));
            default -> throw new IllegalArgumentException("unknown stored command kind " + n.get("kind"));
        };
    }

    /** An image source as fields {@code url} (with {@code sha256}) or {@code inline} of {@code n}. */
    static void writeImage(ObjectNode n, FirmwareImageSource image) {
        if (image instanceof FirmwareImageSource.FromUrl url) {
            n.put("url", url.url().toString());
            url.expectedSha256().ifPresent(d -> n.put("sha256", d));
        } else {
            n.put("inline", B64.encodeToString(((FirmwareImageSource.Inline) image).bytes()));
        }
    }

    static FirmwareImageSource readImage(JsonNode n) {
        return n.has("url")
                ? new FirmwareImageSource.FromUrl(URI.create(n.get("url").asText()), text(n, "sha256"))
                : new FirmwareImageSource.Inline(B64D.decode(n.get("inline").asText()));
    }

    private static Map<Lwm2mPath, CommandValue> values(JsonNode n) {
        Map<Lwm2mPath, CommandValue> values = new HashMap<>();
        n.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            CommandValue value = v.has("s") ? new CommandValue.Text(v.get("s").asText())
                    : v.has("n") ? new CommandValue.Number(v.get("n").decimalValue())
                    : new CommandValue.Bool(v.get("b").asBoolean());
            values.put(Lwm2mPath.parse(e.getKey()), value);
        });
        return values;
    }

    private static Optional<String> text(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }
}
