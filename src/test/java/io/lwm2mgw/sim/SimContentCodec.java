package io.lwm2mgw.sim;

import io.lwm2mgw.sim.SimObjects.Resource;
import io.lwm2mgw.sim.SimObjects.Type;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** LwM2M payloads of a simulated device: text, opaque, TLV and SenML JSON, both ways. Stateless. */
public final class SimContentCodec {

    public static final int TEXT = 0;
    public static final int LINK = 40;
    public static final int OPAQUE = 42;
    public static final int SENML_JSON = 110;
    public static final int TLV = 11542;

    private static final Pattern RECORD = Pattern.compile("\\{([^}]*)}");
    private static final Pattern FIELD = Pattern.compile("\"(bn|n|v|vs|vb|vd)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\s]+)");

    private SimContentCodec() {
    }

    /**
     * Encodes the readable {@code resources} found at {@code path} in {@code format}; null when the format
     * cannot carry them (text for more than one resource, an unknown format).
     */
    public static byte[] encode(int format, String path, List<Resource> resources, Function<Resource, Object> values) {
        List<Resource> readable = resources.stream().filter(Resource::readable).toList();
        switch (format) {
            case TEXT:
                return readable.size() == 1 && SimObjects.depth(path) == 3 && readable.get(0).type() != Type.OPAQUE
                        ? text(readable.get(0), values.apply(readable.get(0))) : null;
            case TLV:
                return tlv(path, readable, values);
            case SENML_JSON:
                return senml(readable, values);
            default:
                return null;
        }
    }

    private static byte[] text(Resource r, Object value) {
        String s = switch (r.type()) {
            case BOOLEAN -> (Boolean) value ? "1" : "0";
            case FLOAT -> Double.toString((Double) value);
            default -> String.valueOf(value);
        };
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tlv(String path, List<Resource> resources, Function<Resource, Object> values) {
        if (SimObjects.depth(path) > 1) {
            return tlvResources(resources, values);
        }
        // an object: one Object Instance entry per instance, in the order the resources come
        Map<Integer, List<Resource>> byInstance = new LinkedHashMap<>();
        for (Resource r : resources) {
            byInstance.computeIfAbsent(r.instanceId(), i -> new java.util.ArrayList<>()).add(r);
        }
        ByteArrayOutputStream instances = new ByteArrayOutputStream();
        byInstance.forEach((id, rs) -> tlvEntry(instances, 0b00, id, tlvResources(rs, values)));
        return instances.toByteArray();
    }

    private static byte[] tlvResources(List<Resource> resources, Function<Resource, Object> values) {
        ByteArrayOutputStream resourcesTlv = new ByteArrayOutputStream();
        for (Resource r : resources) {
            tlvEntry(resourcesTlv, 0b11, r.resourceId(), tlvValue(r.type(), values.apply(r)));
        }
        return resourcesTlv.toByteArray();
    }

    private static byte[] tlvValue(Type type, Object value) {
        switch (type) {
            case STRING:
                return ((String) value).getBytes(StandardCharsets.UTF_8);
            case INTEGER:
            case TIME:
                return ByteBuffer.allocate(8).putLong((Long) value).array();
            case FLOAT:
                return ByteBuffer.allocate(8).putDouble((Double) value).array();
            case BOOLEAN:
                return new byte[] {(byte) ((Boolean) value ? 1 : 0)};
            default:
                return (byte[]) value;
        }
    }

    private static void tlvEntry(ByteArrayOutputStream out, int kind, int id, byte[] value) {
        boolean wideId = id > 255;
        int length = value.length;
        int lengthType = length < 8 ? 0 : length < 256 ? 1 : length < 65536 ? 2 : 3;
        out.write(kind << 6 | (wideId ? 1 << 5 : 0) | lengthType << 3 | (lengthType == 0 ? length : 0));
        if (wideId) {
            out.write(id >> 8);
        }
        out.write(id);
        for (int i = lengthType - 1; i >= 0; i--) {
            out.write(length >> (8 * i));
        }
        out.writeBytes(value);
    }

    private static byte[] senml(List<Resource> resources, Function<Resource, Object> values) {
        StringBuilder json = new StringBuilder("[");
        for (Resource r : resources) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"n\":\"").append(r.path()).append("\",");
            Object v = values.apply(r);
            switch (r.type()) {
                case STRING -> json.append("\"vs\":\"").append(((String) v).replace("\"", "\\\"")).append('"');
                case BOOLEAN -> json.append("\"vb\":").append(v);
                case OPAQUE -> json.append("\"vd\":\"").append(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((byte[]) v)).append('"');
                case FLOAT -> json.append("\"v\":").append(String.format(Locale.ROOT, "%s", v));
                default -> json.append("\"v\":").append(v);
            }
            json.append('}');
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes a Write payload aimed at {@code path} into values by resource path; IllegalArgumentException
     * when the format is not supported or a value does not parse.
     */
    public static Map<String, Object> decode(int format, String path, byte[] payload) {
        Map<String, Object> values = new LinkedHashMap<>();
        String[] parts = path.substring(1).split("/");
        switch (format) {
            case TEXT, OPAQUE, -1 -> {
                Resource r = require(path);
                values.put(path, format == OPAQUE || r.type() == Type.OPAQUE_WRITE ? payload
                        : parseText(r.type(), new String(payload, StandardCharsets.UTF_8)));
            }
            case TLV -> decodeTlv(ByteBuffer.wrap(payload), "/" + parts[0] + "/" + (parts.length > 1 ? parts[1] : "0"),
                    values);
            case SENML_JSON -> decodeSenml(new String(payload, StandardCharsets.UTF_8), values);
            default -> throw new IllegalArgumentException("content format " + format + " not supported");
        }
        return values;
    }

    /**
     * What a Create on an object carries: the instance id the server chose, or -1 when the device picks it,
     * and the values by resource id.
     */
    public record Created(int instanceId, Map<Integer, Object> values) { }

    /**
     * Decodes the payload of a Create on object {@code objectId} (TLV: one Object Instance entry, or bare
     * resources; SenML JSON: names "/o/i/r", or "/o/r" without an instance id). IllegalArgumentException
     * ("content format ..." for one not supported) when it does not decode, names a resource the object does
     * not have, or carries more than one instance.
     */
    public static Created decodeCreate(int format, int objectId, byte[] payload) {
        Map<String, Object> byPath = new LinkedHashMap<>();
        int instance;
        switch (format) {
            case TLV -> instance = decodeCreateTlv(ByteBuffer.wrap(payload), objectId, byPath);
            case SENML_JSON -> instance = decodeCreateSenml(new String(payload, StandardCharsets.UTF_8), objectId,
                    byPath);
            case -1 -> throw new IllegalArgumentException("a Create names its content format");
            default -> throw new IllegalArgumentException("content format " + format + " not supported");
        }
        if (instance > SimObjects.MAX_INSTANCE_ID) {
            throw new IllegalArgumentException("instance id " + instance + " out of range");
        }
        Map<Integer, Object> values = new LinkedHashMap<>();
        byPath.forEach((path, v) -> values.put(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)), v));
        return new Created(instance, values);
    }

    private static int decodeCreateTlv(ByteBuffer in, int objectId, Map<String, Object> values) {
        int instance = -1;
        ByteBuffer resources = in;
        if (in.hasRemaining() && (in.get(in.position()) & 0xFF) >> 6 == 0b00) {
            // one Object Instance entry: the server chose the id
            int type = in.get() & 0xFF;
            instance = (type & 0x20) != 0 ? in.getShort() & 0xFFFF : in.get() & 0xFF;
            int length = type & 0x7;
            for (int i = 0; i < (type >> 3 & 0x3); i++) {
                length = (i == 0 ? 0 : length << 8) | (in.get() & 0xFF);
            }
            byte[] value = new byte[length];
            in.get(value);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("a Create carries one instance");
            }
            resources = ByteBuffer.wrap(value);
        }
        String instancePath = "/" + objectId + "/" + Math.max(instance, 0);
        decodeTlv(resources, instancePath, values);
        if (values.keySet().stream().anyMatch(p -> !p.startsWith(instancePath + "/"))) {
            throw new IllegalArgumentException("a Create carries one instance");
        }
        return instance;
    }

    private static int decodeCreateSenml(String json, int objectId, Map<String, Object> values) {
        Matcher record = RECORD.matcher(json);
        String baseName = "";
        Integer instance = null;
        while (record.find()) {
            Map<String, String> fields = fields(record.group(1));
            baseName = fields.getOrDefault("bn", baseName);
            String[] parts = (baseName + fields.getOrDefault("n", "")).substring(1).split("/");
            if (!parts[0].equals(Integer.toString(objectId)) || parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException("not a resource of /" + objectId + ": " + baseName
                        + fields.getOrDefault("n", ""));
            }
            int id = parts.length == 3 ? Integer.parseInt(parts[1]) : -1;
            if (instance != null && instance != id) {
                throw new IllegalArgumentException("a Create carries one instance");
            }
            instance = id;
            String path = "/" + objectId + "/" + Math.max(id, 0) + "/" + parts[parts.length - 1];
            values.put(path, senmlValue(require(path), fields));
        }
        if (instance == null) {
            throw new IllegalArgumentException("a Create in SenML carries at least one record");
        }
        return instance;
    }

    private static Resource require(String path) {
        Resource r = SimObjects.resource(path);
        if (r == null) {
            throw new IllegalArgumentException("no resource " + path);
        }
        return r;
    }

    private static Object parseText(Type type, String s) {
        return switch (type) {
            case INTEGER, TIME -> Long.parseLong(s.trim());
            case FLOAT -> Double.parseDouble(s.trim());
            case BOOLEAN -> s.trim().equals("1") || s.trim().equalsIgnoreCase("true");
            case OPAQUE, OPAQUE_WRITE -> Base64.getDecoder().decode(s.trim());
            default -> s;
        };
    }

    private static void decodeTlv(ByteBuffer in, String instancePath, Map<String, Object> values) {
        while (in.hasRemaining()) {
            int type = in.get() & 0xFF;
            int id = (type & 0x20) != 0 ? in.getShort() & 0xFFFF : in.get() & 0xFF;
            int lengthType = type >> 3 & 0x3;
            int length = type & 0x7;
            for (int i = 0; i < lengthType; i++) {
                length = (i == 0 ? 0 : length << 8) | (in.get() & 0xFF);
            }
            byte[] value = new byte[length];
            in.get(value);
            int kind = type >> 6;
            if (kind == 0b00) {
                decodeTlv(ByteBuffer.wrap(value), instancePath.substring(0, instancePath.lastIndexOf('/') + 1) + id,
                        values);
            } else if (kind == 0b11) {
                String path = instancePath + "/" + id;
                values.put(path, tlvTyped(require(path).type(), value));
            }
            // multiple resources (0b10) are not part of the simulated model: ignored
        }
    }

    private static Object tlvTyped(Type type, byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        return switch (type) {
            case INTEGER, TIME -> switch (v.length) {
                case 1 -> (long) b.get();
                case 2 -> (long) b.getShort();
                case 4 -> (long) b.getInt();
                default -> b.getLong();
            };
            case FLOAT -> v.length == 4 ? (double) b.getFloat() : b.getDouble();
            case BOOLEAN -> v.length > 0 && v[0] != 0;
            case STRING -> new String(v, StandardCharsets.UTF_8);
            default -> v;
        };
    }

    private static void decodeSenml(String json, Map<String, Object> values) {
        Matcher record = RECORD.matcher(json);
        String baseName = "";
        while (record.find()) {
            Map<String, String> fields = fields(record.group(1));
            baseName = fields.getOrDefault("bn", baseName);
            String path = baseName + fields.getOrDefault("n", "");
            values.put(path, senmlValue(require(path), fields));
        }
    }

    private static Map<String, String> fields(String record) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher field = FIELD.matcher(record);
        while (field.find()) {
            String raw = field.group(2);
            fields.put(field.group(1), raw.startsWith("\"") ? raw.substring(1, raw.length() - 1) : raw);
        }
        return fields;
    }

    private static Object senmlValue(Resource r, Map<String, String> fields) {
        if (fields.containsKey("vd")) {
            return Base64.getUrlDecoder().decode(fields.get("vd"));
        }
        String v = fields.containsKey("vs") ? fields.get("vs")
                : fields.containsKey("vb") ? fields.get("vb") : fields.get("v");
        if (v == null) {
            throw new IllegalArgumentException("no value for " + r.path());
        }
        return parseText(r.type(), v);
    }
}
