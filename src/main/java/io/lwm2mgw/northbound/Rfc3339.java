package io.lwm2mgw.northbound;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The contract's time format: RFC 3339, UTC, milliseconds ({@code 2026-11-22T10:15:30.123Z}). */
public final class Rfc3339 {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Rfc3339() {
    }

    public static String format(Instant time) {
        return FORMAT.format(time);
    }
}
