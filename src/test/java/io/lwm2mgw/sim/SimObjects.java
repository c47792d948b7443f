package io.lwm2mgw.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * The object model of a simulated device: the resources of objects 1, 3, 5, 3303 and 3311, their LwM2M
 * types and default values. 1, 3 and 5 are single-instance (instance 0); 3303 and 3311 are multi-instance,
 * and every instance of them has the same resources and defaults. Shared and immutable; a device keeps
 * only which instances it has and what it changed.
 */
public final class SimObjects {

    /** LwM2M resource types, plus EXECUTE for executable resources and the write-only OPAQUE_WRITE. */
    public enum Type { STRING, INTEGER, FLOAT, BOOLEAN, OPAQUE, TIME, EXECUTE, OPAQUE_WRITE }

    /** One resource of one instance: {@code path} like "/3/0/9". */
    public record Resource(String path, int objectId, int instanceId, int resourceId, Type type,
            Object defaultValue) {

        public boolean readable() {
            return type != Type.EXECUTE && type != Type.OPAQUE_WRITE;
        }

        /** The same resource in instance {@code instance} of its object. */
        Resource in(int instance) {
            return instance == instanceId ? this : new Resource("/" + objectId + "/" + instance + "/" + resourceId,
                    objectId, instance, resourceId, type, defaultValue);
        }
    }

    /** The instances of a device that announces an object and never created or deleted any. */
    static final SortedSet<Integer> INSTANCE_0 = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(0)));

    /** The highest instance id; 65535 is reserved (spec: "MAX_ID"). */
    static final int MAX_INSTANCE_ID = 65534;

    private static final Set<Integer> MULTI_INSTANCE = Set.of(3303, 3311);

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
            Resource r = new Resource("/" + objectId + "/0/" + id, objectId, 0, id, (Type) triples[i + 1], triples[i + 2]);
            resources.add(r);
            BY_PATH.put(r.path(), r);
        }
        OBJECTS.put(objectId, List.copyOf(resources));
    }

    public static Set<Integer> objectIds() {
        return OBJECTS.keySet();
    }

    /** Whether the object may have more instances than 0 (Create and Delete are allowed on it). */
    public static boolean multiInstance(int objectId) {
        return MULTI_INSTANCE.contains(objectId);
    }

    /**
     * The model's resource at {@code path} ("/3311/7/5851"): any instance of a multi-instance object, instance
     * 0 of the others; null when the model has no such resource. Whether a device has that instance is the
     * device's to say.
     */
    public static Resource resource(String path) {
        Resource r = BY_PATH.get(path);
        if (r != null) {
            return r;
        }
        String[] parts = path.substring(1).split("/");
        if (parts.length != 3) {
            return null;
        }
        try {
            int objectId = Integer.parseInt(parts[0]);
            int instance = Integer.parseInt(parts[1]);
            Resource model = BY_PATH.get("/" + objectId + "/0/" + parts[2]);
            return model == null || !multiInstance(objectId) || instance < 0 || instance > MAX_INSTANCE_ID
                    || !parts[1].equals(Integer.toString(instance)) ? null : model.in(instance);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The resources at or under {@code path} for a device with instance 0 of each of {@code objects}. */
    public static List<Resource> under(String path, Set<Integer> objects) {
        return under(path, id -> objects.contains(id) ? INSTANCE_0 : java.util.Collections.emptySortedSet());
    }

    /**
     * The resources at or under {@code path} ("/3", "/3/0", "/3/0/9") on a device whose instances of each
     * object are {@code instancesOf} (empty for an object it does not have), instance by instance; empty when
     * the path names nothing the device has.
     */
    public static List<Resource> under(String path, IntFunction<SortedSet<Integer>> instancesOf) {
        String[] parts = path.substring(1).split("/");
        int objectId;
        int instance;
        try {
            objectId = Integer.parseInt(parts[0]);
            instance = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return List.of();
        }
        List<Resource> model = OBJECTS.get(objectId);
        SortedSet<Integer> instances = instancesOf.apply(objectId);
        if (model == null || parts.length > 3 || (parts.length >= 2 && !instances.contains(instance))) {
            return List.of();
        }
        if (parts.length == 3) {
            Resource r = resource(path);
            return r == null || r.instanceId() != instance ? List.of() : List.of(r);
        }
        List<Resource> all = new ArrayList<>();
        for (int i : parts.length == 2 ? Set.of(instance) : instances) {
            if (i == 0) {
                all.addAll(model);
            } else {
                model.forEach(r -> all.add(r.in(i)));
            }
        }
        return all;
    }

    /** Path depth: 1 for an object, 2 for an instance, 3 for a resource. */
    public static int depth(String path) {
        return path.substring(1).split("/").length;
    }
}
