package io.lwm2mgw.northbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Property(tries = 2000)
    void formatsLikeTheFullPattern(@ForAll @LongRange(min = 0, max = 253_402_300_799_999L) long epochMilli) {
        Instant time = Instant.ofEpochMilli(epochMilli);
        assertThat(Rfc3339.format(time)).isEqualTo(REFERENCE.format(time));
    }

    @Test
    void consecutiveTimesAcrossSecondsAndBackwards() {
        Instant start = Instant.parse("2026-11-22T23:59:58.990Z");
        for (int i = 0; i < 3000; i += 7) {
            Instant time = start.plus(i, ChronoUnit.MILLIS);
            assertThat(Rfc3339.format(time)).isEqualTo(REFERENCE.format(time));
        }
        Instant earlier = Instant.parse("2026-11-22T10:15:30.007Z");
        assertThat(Rfc3339.format(earlier)).isEqualTo("2026-11-22T10:15:30.007Z");
        assertThat(Rfc3339.format(Instant.parse("2026-11-22T10:15:30.100Z"))).isEqualTo("2026-11-22T10:15:30.100Z");
    }

    @Test
    void eventIdsAreVersion4UuidsAndDistinct() {
        var ids = new java.util.HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            String id = EventCodec.randomId();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }
}
