package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.event.BootstrapEnded;
import io.lwm2mgw.domain.event.CompositeNotified;
import io.lwm2mgw.domain.event.DataSent;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceLifecycleEvent;
import io.lwm2mgw.domain.event.DeviceUpdated;
import io.lwm2mgw.domain.event.FirmwareProgressed;
import io.lwm2mgw.domain.event.RegistrationRefused;
import io.lwm2mgw.domain.event.ResourceNotified;
import io.lwm2mgw.northbound.OutboundMessage.Channel;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Turns domain events into the contract's JSON documents with their CloudEvents attributes. Pure: no I/O.
 * A lifecycle event yields two messages (the status document and the event); a notification yields one.
 */
public final class EventCodec {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ObjectMapper mapper;
    private final String source;
    private final Supplier<String> ids;
    private final Clock clock;

    /**
     * @param source CloudEvents source of everything this gateway publishes, e.g. {@code /lwm2m-gateway/gw-1}
     * @param ids    generator of CloudEvents ids (random UUIDs in production)
     * @param clock  the time of documents that are not about an event (a status published again)
     */
    public EventCodec(ObjectMapper mapper, String source, Supplier<String> ids, Clock clock) {
        this.mapper = mapper;
        this.source = source;
        this.ids = ids;
        this.clock = clock;
    }

    public static EventCodec withRandomIds(ObjectMapper mapper, String gatewayId, Clock clock) {
        return new EventCodec(mapper, "/lwm2m-gateway/" + gatewayId, EventCodec::randomId, clock);
    }

    /**
     * A version 4 UUID from {@link ThreadLocalRandom}: unique like {@code UUID.randomUUID()} (122 random bits) but
     * without its SecureRandom, which costs more than the rest of an event's encoding. Ids need uniqueness, not
     * unpredictability.
     */
    static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    public List<OutboundMessage> encode(DeviceEvent event) {
        return event.accept(encoder);
    }

    /** Every kind of event to its messages: a new kind does not compile until it is encoded here. */
    private final DeviceEvent.Visitor<List<OutboundMessage>> encoder = new DeviceEvent.Visitor<>() {
        @Override
        public List<OutboundMessage> lifecycle(DeviceLifecycleEvent event) {
            return encodeLifecycle(event);
        }

        @Override
        public List<OutboundMessage> notified(ResourceNotified event) {
            return List.of(encodeNotification(event));
        }

        @Override
        public List<OutboundMessage> compositeNotified(CompositeNotified event) {
            return encodeComposite(event);
        }

        @Override
        public List<OutboundMessage> sent(DataSent event) {
            return encodeSend(event);
        }

        @Override
        public List<OutboundMessage> firmware(FirmwareProgressed event) {
            return List.of(encodeFirmware(event));
        }

        @Override
        public List<OutboundMessage> refused(RegistrationRefused event) {
            return List.of(encodeRefused(event));
        }

        @Override
        public List<OutboundMessage> bootstrap(BootstrapEnded event) {
            return List.of(encodeBootstrap(event));
        }
    };

    /**
     * A composite notification: on MQTT once per observed path on {@code data/{path}}, shaped like a
     * single-path notification; on Kafka one telemetry record listing every path and all values.
     */
    private List<OutboundMessage> encodeComposite(CompositeNotified event) {
        List<OutboundMessage> messages = new java.util.ArrayList<>(event.paths().size() + 1);
        for (Lwm2mPath path : event.paths()) {
            messages.add(notification(Channel.PATH_TELEMETRY, event.time(), event.endpoint(), path,
                    event.observationId(), event.valuesOf(path)));
        }
        ObjectNode doc = JSON.objectNode();
        doc.put("endpoint", event.endpoint().value());
        doc.put("time", Rfc3339.format(event.time()));
        ArrayNode paths = doc.putArray("paths");
        event.paths().forEach(p -> paths.add(p.toString()));
        doc.put("observationId", event.observationId());
        putValues(doc, event.values());
        messages.add(new OutboundMessage(Channel.COMPOSITE_TELEMETRY, event.endpoint(), "", bytes(doc),
                attributes("lwm2m.composite-notification", event.endpoint().value(), event.time())));
        return messages;
    }

    private OutboundMessage encodeFirmware(FirmwareProgressed event) {
        ObjectNode doc = JSON.objectNode();
        doc.put("endpoint", event.endpoint().value());
        doc.put("time", Rfc3339.format(event.time()));
        doc.put("event", "firmware");
        doc.put("commandId", event.commandId());
        doc.put("state", event.state().wireName());
        doc.put("bytesSent", event.bytesSent());
        doc.put("bytesTotal", event.bytesTotal());
        event.updateResult().ifPresent(code -> {
            doc.put("updateResult", code);
            doc.put("updateResultText", FirmwareProgressed.updateResultText(code));
        });
        event.firmwareVersion().ifPresent(v -> doc.put("firmwareVersion", v));
        event.detail().ifPresent(d -> doc.put("error", d));
        return new OutboundMessage(Channel.EVENT, event.endpoint(), "firmware", bytes(doc),
                attributes("lwm2m.firmware", event.endpoint().value(), event.time()));
    }

    /** {@code events/security}: who was refused under which endpoint name, and why. No status change. */
    private OutboundMessage encodeRefused(RegistrationRefused event) {
        ObjectNode doc = JSON.objectNode();
        doc.put("endpoint", event.endpoint().value());
        doc.put("time", Rfc3339.format(event.time()));
        doc.put("event", "security");
        doc.put("outcome", "refused");
        doc.put("identity", event.identity());
        doc.put("address", event.address());
        doc.put("reason", event.reason());
        return new OutboundMessage(Channel.EVENT, event.endpoint(), "security", bytes(doc),
                attributes("lwm2m.security", event.endpoint().value(), event.time()));
    }

    /** {@code events/bootstrap}: the end of a client-initiated bootstrap. No status change. */
    private OutboundMessage encodeBootstrap(BootstrapEnded event) {
        ObjectNode doc = JSON.objectNode();
        doc.put("endpoint", event.endpoint().value());
        doc.put("time", Rfc3339.format(event.time()));
        doc.put("event", "bootstrap");
        doc.put("outcome", event.succeeded() ? "finished" : "failed");
        ArrayNode servers = doc.putArray("servers");
        event.servers().forEach(servers::add);
        event.error().ifPresent(e -> doc.put("error", e));
        return new OutboundMessage(Channel.EVENT, event.endpoint(), "bootstrap", bytes(doc),
                attributes("lwm2m.bootstrap", event.endpoint().value(), event.time()));
    }

    /** The event kind as it appears in topics, documents and CloudEvents types. */
    public static String kind(DeviceLifecycleEvent event) {
        return event.kind();
    }

    /**
     * The payload of a lifecycle event's {@code EVENT} message alone, byte for byte what {@link #encode} puts
     * in it: for a reader that keeps the event (the device page's history) without its status message or ids.
     */
    public byte[] lifecyclePayload(DeviceLifecycleEvent event) {
        return bytes(eventDocument(event, statusDocument(event.status(), event.time())));
    }

    private ObjectNode eventDocument(DeviceLifecycleEvent event, ObjectNode status) {
        ObjectNode eventDoc = status.deepCopy();
        eventDoc.put("event", kind(event));
        if (event instanceof DeviceUpdated updated) {
            ObjectNode changes = eventDoc.putObject("changes");
            updated.changes().forEach((k, v) -> changes.set(k, mapper.valueToTree(v)));
        }
        return eventDoc;
    }

    private List<OutboundMessage> encodeLifecycle(DeviceLifecycleEvent event) {
        String kind = kind(event);
        ObjectNode status = statusDocument(event.status(), event.time());
        ObjectNode eventDoc = eventDocument(event, status);
        String subject = event.endpoint().value();
        return List.of(
                new OutboundMessage(Channel.STATUS, event.endpoint(), "", bytes(status),
                        attributes("lwm2m.status", subject, event.time())),
                new OutboundMessage(Channel.EVENT, event.endpoint(), kind, bytes(eventDoc),
                        attributes("lwm2m." + kind, subject, event.time())));
    }

    private OutboundMessage encodeNotification(ResourceNotified event) {
        return notification(Channel.TELEMETRY, event.time(), event.endpoint(), event.path(), event.observationId(),
                event.values());
    }

    /** The notification document of one observed path, with CloudEvents attributes (and id) of its own. */
    private OutboundMessage notification(Channel channel, Instant time, EndpointName endpoint, Lwm2mPath path,
            String observationId, Map<Lwm2mPath, ResourceValue> values) {
        ObjectNode doc = JSON.objectNode();
        doc.put("endpoint", endpoint.value());
        doc.put("time", Rfc3339.format(time));
        doc.put("path", path.toString());
        doc.put("observationId", observationId);
        putValues(doc, values);
        return new OutboundMessage(channel, endpoint, path.toString(), bytes(doc),
                attributes("lwm2m.notification", endpoint.value(), time));
    }

    /** A device's current status as its retained / compacted status message, stamped now. */
    public OutboundMessage status(DeviceStatus status) {
        Instant now = clock.instant();
        return new OutboundMessage(Channel.STATUS, status.endpoint(), "", bytes(statusDocument(status, now)),
                attributes("lwm2m.status", status.endpoint().value(), now));
    }

    /**
     * A Send: one telemetry message per reading, in the Send's order, shaped like a notification with
     * {@code "source":"send"} in place of the observation id, each at the reading's own time.
     */
    private List<OutboundMessage> encodeSend(DataSent event) {
        List<OutboundMessage> messages = new java.util.ArrayList<>(event.readings().size());
        for (DataSent.Reading reading : event.readings()) {
            ObjectNode doc = JSON.objectNode();
            doc.put("endpoint", event.endpoint().value());
            doc.put("time", Rfc3339.format(reading.time()));
            doc.put("path", reading.path().toString());
            doc.put("source", "send");
            putValues(doc, reading.values());
            messages.add(new OutboundMessage(Channel.TELEMETRY, event.endpoint(), reading.path().toString(),
                    bytes(doc), attributes("lwm2m.send", event.endpoint().value(), reading.time())));
        }
        return messages;
    }

    private static void putValues(ObjectNode doc, Map<Lwm2mPath, ResourceValue> source) {
        ObjectNode values = doc.putObject("values");
        for (Map.Entry<Lwm2mPath, ResourceValue> e : source.entrySet()) {
            values.set(e.getKey().toString(), ValueJson.toJson(e.getValue()));
        }
    }

    /** The status document of the contract ({@code lwm2m/{ep}/status}). */
    public ObjectNode statusDocument(DeviceStatus status, Instant time) {
        ObjectNode doc = JSON.objectNode();
        doc.put("endpoint", status.endpoint().value());
        doc.put("time", Rfc3339.format(time));
        doc.put("state", status.state().wireName());
        // never the registration id: with it, anyone who may subscribe could update or de-register a plain CoAP
        // device (its location is /rd/{id})
        doc.put("lwm2mVersion", status.lwm2mVersion());
        doc.put("binding", status.binding());
        doc.put("lifetime", status.lifetimeSeconds());
        doc.put("queueMode", status.queueMode());
        doc.put("address", status.address());
        status.smsNumber().ifPresent(sms -> doc.put("smsNumber", sms));
        status.alternatePath().ifPresent(alt -> doc.put("alternatePath", alt));
        ArrayNode objects = doc.putArray("objects");
        status.objects().forEach(objects::add);
        return doc;
    }

    private CloudEventAttributes attributes(String type, String subject, Instant time) {
        return new CloudEventAttributes(ids.get(), source, type, subject, time);
    }

    private byte[] bytes(ObjectNode doc) {
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
