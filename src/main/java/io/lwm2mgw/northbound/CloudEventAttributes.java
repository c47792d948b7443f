package io.lwm2mgw.northbound;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CloudEvents 1.0 context attributes every outbound message carries (binary mode). */
public record CloudEventAttributes(String id, String source, String type, String subject, Instant time) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    /** The attributes by their CloudEvents name, in a stable order, {@code specversion} first. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("specversion", SPEC_VERSION);
        map.put("id", id);
        map.put("source", source);
        map.put("type", type);
        map.put("subject", subject);
        map.put("time", Rfc3339.format(time));
        return map;
    }
}
