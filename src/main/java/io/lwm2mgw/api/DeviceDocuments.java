package io.lwm2mgw.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.northbound.EventCodec;
import io.lwm2mgw.northbound.Rfc3339;
import io.lwm2mgw.northbound.ValueJson;
import io.lwm2mgw.southbound.lwm2m.ObjectModelCatalog;
import io.lwm2mgw.southbound.lwm2m.ObjectModelCatalog.ObjectDescription;
import io.lwm2mgw.southbound.lwm2m.ObjectModelCatalog.ResourceDescription;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The API's device documents: the contract's status document (as on {@code lwm2m/{ep}/status}), and the device
 * page: that document plus its object instances named by the models, the last value of every observed path
 * and its recent events. Built as JSON trees, so no class of ours needs reflection in a native image.
 */
@ApplicationScoped
public class DeviceDocuments {

    private final ObjectMapper mapper;
    private final EventCodec codec;
    private final DeviceActivity activity;
    private final ObjectModelCatalog models;
    private final Clock clock;

    public DeviceDocuments(ObjectMapper mapper, GatewayConfig config, DeviceActivity activity,
            ObjectModelCatalog models, Clock clock) {
        this.mapper = mapper;
        this.codec = EventCodec.withRandomIds(mapper, config.id(), clock);
        this.activity = activity;
        this.models = models;
        this.clock = clock;
    }

    /** The status document, stamped with the time of the device's last status change (now if unknown). */
    public ObjectNode status(DeviceStatus status) {
        return codec.statusDocument(status, activity.statusTime(status.endpoint()).orElseGet(clock::instant));
    }

    /** The device page's document. */
    public ObjectNode detail(DeviceStatus status) {
        DeviceActivity.Snapshot seen = activity.of(status.endpoint());
        ObjectNode doc = codec.statusDocument(status, seen.statusTime().orElseGet(clock::instant));
        ArrayNode instances = doc.putArray("instances");
        Map<Integer, ObjectDescription> described = new LinkedHashMap<>();
        for (String link : status.objects()) {
            Optional<int[]> ids = ids(link);
            if (ids.isEmpty()) {
                continue;
            }
            int objectId = ids.get()[0];
            ObjectNode instance = instances.addObject();
            instance.put("path", link);
            instance.put("objectId", objectId);
            if (ids.get().length > 1) {
                instance.put("instanceId", ids.get()[1]);
            }
            Optional<ObjectDescription> model = models.describe(objectId);
            model.ifPresent(m -> described.putIfAbsent(objectId, m));
            instance.put("name", model.map(ObjectDescription::name).orElse("unknown object " + objectId));
        }
        ObjectNode objects = doc.putObject("models");
        described.forEach((id, model) -> objects.set(String.valueOf(id), model(model)));
        ObjectNode values = doc.putObject("values");
        seen.values().forEach((Lwm2mPath path, DeviceActivity.TimedValue value) -> {
            ObjectNode entry = values.putObject(path.toString());
            entry.set("value", ValueJson.toJson(value.value()));
            entry.put("time", Rfc3339.format(value.time()));
        });
        if (seen.firmware().isPresent()) {
            doc.putRawValue("firmware", new RawValue(seen.firmware().get()));
        } else {
            doc.putNull("firmware");
        }
        ArrayNode events = doc.putArray("events");
        seen.events().forEach(json -> events.addRawValue(new RawValue(json)));
        return doc;
    }

    private ObjectNode model(ObjectDescription model) {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("id", model.id());
        doc.put("name", model.name());
        doc.put("version", model.version());
        doc.put("multiple", model.multiple());
        doc.put("description", model.description());
        ArrayNode resources = doc.putArray("resources");
        for (ResourceDescription r : model.resources()) {
            ObjectNode res = resources.addObject();
            res.put("id", r.id());
            res.put("name", r.name());
            res.put("operations", r.operations());
            res.put("type", r.type());
            res.put("units", r.units());
            res.put("multiple", r.multiple());
            res.put("mandatory", r.mandatory());
            res.put("range", r.range());
            res.put("description", r.description());
        }
        return doc;
    }

    /** {@code /3/0} as {3, 0}, {@code /3303} as {3303}; empty for anything else. */
    static Optional<int[]> ids(String link) {
        if (!link.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = link.substring(1).split("/");
        if (parts.length < 1 || parts.length > 2) {
            return Optional.empty();
        }
        int[] ids = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                ids[i] = Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(ids);
    }
}
