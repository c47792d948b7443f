package io.lwm2mgw.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The object model of a simulated device: the resources of objects 1, 3, 5, 3303 and 3311 (instance 0
 * each), their LwM2M types and default values. Shared and immutable; a device keeps only what it changed.
 */
public final class SimObjects {

    /** LwM2M resource types, plus EXECUTE for executable resources and the write-only OPAQUE_WRITE. */
    public enum Type { STRING, INTEGER, FLOAT, BOOLEAN, OPAQUE, TIME, EXECUTE, OPAQUE_WRITE }

    /** One resource of instance 0: {@code path} like "/3/0/9". */
    public record Resource(String path, int objectId, int resourceId, Type type, Object defaultValue) {

        public boolean readable() {
            return type != Type.EXECUTE && type != Type.OPAQUE_WRITE;
        }
    }

    private static final Map<Integer, List<Resource>> OBJECTS = new TreeMap<>();
    private static final Map<String, Resource> BY_PATH = new TreeMap<>();

    static {
        define(1, 0, Type.INTEGER, 1L, 1, Type.INTEGER, 300L, 6, Type.BOOLEAN, false, 7, Type.STRING, "U");
        define(3, 0, Type.STRING, "lwm2m-gateway fleet simulator", 1, Type.STRING, "sim-1", 2, Type.STRING, "0001",
                3, Type.STRING, "1.0.0", 4, Type.EXECUTE, null, 9, Type.INTEGER, 87L, 13, Type.TIME, 0L,
                14, Type.STRING, "+00:00", 16, Type.STRING, "U");
        // 9 = 1: push only, so "auto" firmware updates choose the Block1 write this device accepts
        define(5, 0, Type.OPAQUE_WRITE, null, 1, Type.STRING, "", 2, Type.EXECUTE, null, 3, Type.INTEGER, 0L,
                5, Type.INTEGER, 0L, 9, Type.INTEGER, 1L);
        define(3303, 5700, Type.FLOAT, 20.5, 5701, Type.STRING, "Cel");
        define(3311, 5850, Type.BOOLEAN, true, 5851, Type.INTEGER, 50L, 5706, Type.STRING, "#FFFFFF");
    }

    private SimObjects() {
    }

    private static void define(int objectId, Object... triples) {
        List<Resource> resources = new ArrayList<>();
        for (int i = 0; i < triples.length; i += 3) {
            int id = (Integer) triples[i];
            Resource r = new Resource("/" + objectId + "/0/" + id, objectId, id, (Type) triples[i + 1], triples[i + 2]);
            resources.add(r);
            BY_PATH.put(r.path(), r);
        }
        OBJECTS.put(objectId, List.copyOf(resources));
    }

    public static Set<Integer> objectIds() {
        return OBJECTS.keySet();
    }

    public static Resource resource(String path) {
        return BY_PATH.get(path);
    }

    /**
     * The resources at or under {@code path} ("/3", "/3/0", "/3/0/9") among {@code objects}; empty when the
     * path names nothing the device has.
     */
    public static List<Resource> under(String path, Set<Integer> objects) {
        String[] parts = path.substring(1).split("/");
        int objectId;
        try {
            objectId = Integer.parseInt(parts[0]);
        } catch (NumberFormatException e) {
            return List.of();
        }
        if (!objects.contains(objectId) || parts.length > 3 || (parts.length >= 2 && !parts[1].equals("0"))) {
            return List.of();
        }
        List<Resource> all = OBJECTS.getOrDefault(objectId, List.of());
        if (parts.length < 3) {
            return all;
        }
        Resource r = BY_PATH.get(path);
        return r == null ? List.of() : List.of(r);
    }

    /** Path depth: 1 for an object, 2 for an instance, 3 for a resource. */
    public static int depth(String path) {
        return path.substring(1).split("/").length;
    }
}
