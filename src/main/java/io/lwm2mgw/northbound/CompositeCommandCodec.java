package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields of the LwM2M 1.1 composite ops ({@code read-composite}, {@code write-composite},
 * {@code observe-composite}, {@code cancel-observe-composite}): {@code paths}, or {@code values} by full path,
 * each path checked as the single-path op checks its own. Whether the device speaks 1.1, and what its model
 * allows, is checked when the command is sent. Pure.
 */
final class CompositeCommandCodec {

    /** SenML is the only encoding that carries several paths (spec 1.1 7.4.7); CBOR is the default. */
    private static final Set<String> FORMATS = Set.of("senml-cbor", "senml-json");

    /** Paths per composite command: a device answers them in one payload, which must fit its buffers. */
    static final int MAX_PATHS = 64;

    private CompositeCommandCodec() {
    }

    static DeviceCommand decode(String op, JsonNode doc, Optional<String> format) {
        if (format.isPresent() && !FORMATS.contains(format.get())) {
            throw new IllegalArgumentException(op + " is encoded in SenML: 'format' must be senml-cbor (the "
                    + "default) or senml-json, not '" + format.get() + "'");
        }
        switch (op) {
            case "read-composite":
                return new DeviceCommand.ReadComposite(paths(op, doc, 1), format);
            case "observe-composite":
                return new DeviceCommand.ObserveComposite(paths(op, doc, 1), format);
            case "cancel-observe-composite":
                if (format.isPresent()) {
                    throw new IllegalArgumentException(op + " takes no 'format'");
                }
                return new DeviceCommand.CancelCompositeObservation(paths(op, doc, 1));
            case "write-composite":
                if (doc.has("paths")) {
                    throw new IllegalArgumentException(op + " names its paths in 'values', not in 'paths'");
                }
                return new DeviceCommand.WriteComposite(values(op, doc), format);
            default:
                throw new IllegalArgumentException("unknown op '" + op + "'");
        }
    }

    /** A non-empty array of distinct paths, none of them the root, none inside another. */
    private static List<Lwm2mPath> paths(String op, JsonNode doc, int minDepth) {
        JsonNode node = doc.get("paths");
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(op + " needs 'paths', a non-empty array such as "
                    + "[\"/3/0/0\", \"/3303/0/5700\"]");
        }
        if (node.size() > MAX_PATHS) {
            throw new IllegalArgumentException(op + " takes at most " + MAX_PATHS + " paths, not " + node.size());
        }
        Set<Lwm2mPath> paths = new LinkedHashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("'paths' must hold LwM2M paths as strings, not " + item);
            }
            Lwm2mPath path = Lwm2mPath.parse(item.asText());
            if (path.depth() < minDepth) {
                throw new IllegalArgumentException(op + " does not apply to the root: name objects, instances "
                        + "or resources");
            }
            if (!paths.add(path)) {
                throw new IllegalArgumentException("path " + path + " is given twice");
            }
        }
        overlap(paths);
        return new ArrayList<>(paths);
    }

    /** Values by resource or resource-instance path; no path inside another. */
    private static Map<Lwm2mPath, CommandValue> values(String op, JsonNode doc) {
        JsonNode node = doc.get("values");
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException(op + " needs 'values', a non-empty object from full path to value, "
                    + "such as {\"/3/0/14\": \"+07\", \"/3/0/15\": \"Europe/Paris\"}");
        }
        if (node.size() > MAX_PATHS) {
            throw new IllegalArgumentException(op + " takes at most " + MAX_PATHS + " values, not " + node.size());
        }
        Map<Lwm2mPath, CommandValue> values = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Lwm2mPath path = Lwm2mPath.parse(e.getKey());
            if (path.depth() < 3) {
                throw new IllegalArgumentException("value path " + path + " is not a resource or resource instance");
            }
            if (values.put(path, CommandCodec.value(path, e.getValue())) != null) {
                throw new IllegalArgumentException("path " + path + " is given twice");
            }
        }
        overlap(values.keySet());
        return values;
    }

    private static void overlap(Set<Lwm2mPath> paths) {
        for (Lwm2mPath a : paths) {
            for (Lwm2mPath b : paths) {
                if (a != b && !a.equals(b) && b.startsWith(a)) {
                    throw new IllegalArgumentException("path " + b + " lies inside " + a + ": give one of them");
                }
            }
        }
    }
}
