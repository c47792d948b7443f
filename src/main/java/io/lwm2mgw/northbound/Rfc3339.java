package io.lwm2mgw.northbound;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The contract's time format: RFC 3339, UTC, milliseconds ({@code 2026-11-22T10:15:30.123Z}). Every published
 * message carries one, so the text up to the second is formatted once per second and only the milliseconds per
 * call.
 */
public final class Rfc3339 {

    private static final DateTimeFormatter TO_SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The last second formatted; replaced as a whole, so readers never see a torn pair. */
    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private Rfc3339() {
    }

    public static String format(Instant time) {
        long epochSecond = time.getEpochSecond();
        Second second = last;
        if (second.epochSecond != epochSecond) {
            second = new Second(epochSecond, TO_SECOND.format(time));
            last = second;
        }
        int millis = time.getNano() / 1_000_000;
        StringBuilder text = new StringBuilder(second.text.length() + 5).append(second.text).append('.');
        if (millis < 100) {
            text.append('0');
        }
        if (millis < 10) {
            text.append('0');
        }
        return text.append(millis).append('Z').toString();
    }

    private record Second(long epochSecond, String text) {
    }
}
