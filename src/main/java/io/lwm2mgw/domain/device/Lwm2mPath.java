package io.lwm2mgw.domain.device;

import java.util.Arrays;

/**
 * An LwM2M path of one to four levels: object, instance, resource, resource instance. The root path
 * {@code /} has no levels. Written in LwM2M form ({@code /3/0/7/1}).
 */
public record Lwm2mPath(int[] ids) implements Comparable<Lwm2mPath> {

    private static final int MAX_ID = 65535;

    public Lwm2mPath {
        if (ids.length > 4) {
            throw new IllegalArgumentException("an LwM2M path has at most 4 levels");
        }
        for (int id : ids) {
            if (id < 0 || id > MAX_ID) {
                throw new IllegalArgumentException("path level out of range 0..65535: " + id);
            }
        }
        ids = ids.clone();
    }

    public static Lwm2mPath of(int... ids) {
        return new Lwm2mPath(ids);
    }

    /** Parses {@code /3/0/1} (leading slash optional); throws IllegalArgumentException naming the problem. */
    public static Lwm2mPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("path is empty");
        }
        String s = text.startsWith("/") ? text.substring(1) : text;
        if (s.isEmpty()) {
            return new Lwm2mPath(new int[0]);
        }
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        String[] parts = s.split("/", -1);
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean leadingZero = part.length() > 1 && part.charAt(0) == '0';
            if (part.isEmpty() || part.length() > 5 || leadingZero || !digitsOnly(part)) {
                throw new IllegalArgumentException("malformed LwM2M path '" + text + "'");
            }
            ids[i] = Integer.parseInt(part);
        }
        return new Lwm2mPath(ids);
    }

    private static boolean digitsOnly(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    public int depth() {
        return ids.length;
    }

    public int objectId() {
        return level(0);
    }

    public int instanceId() {
        return level(1);
    }

    public int resourceId() {
        return level(2);
    }

    private int level(int i) {
        if (ids.length <= i) {
            throw new IllegalStateException("path " + this + " has no level " + i);
        }
        return ids[i];
    }

    /** Whether this path equals {@code other} or lies below it. */
    public boolean startsWith(Lwm2mPath other) {
        if (other.ids.length > ids.length) {
            return false;
        }
        return Arrays.equals(ids, 0, other.ids.length, other.ids, 0, other.ids.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lwm2mPath p && Arrays.equals(ids, p.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public int compareTo(Lwm2mPath o) {
        return Arrays.compare(ids, o.ids);
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public String toString() {
        if (ids.length == 0) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append('/').append(id);
        }
        return sb.toString();
    }
}
