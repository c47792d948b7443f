package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** The guard that the flow tests carry ({@link NoRecordInLogs}) fails on a record's toString and only on it. */
class NoRecordInLogsTest {

    @Test
    void a_line_that_prints_a_record_fails_and_a_line_of_fields_passes() {
        String record = new Sample("lamp-1", "/3/0/9").toString();
        assertThatThrownBy(() -> NoRecordInLogs.assertNoRecordIn(List.of(line("io.lwm2mgw.command.CommandRouter",
                "queued " + record)))).isInstanceOf(AssertionError.class).hasMessageContaining(record);
        assertThatCode(() -> NoRecordInLogs.assertNoRecordIn(List.of(
                line("io.lwm2mgw.command.CommandRouter", "read /3/0/9 for lamp-1 [queued]"),
                line("org.eclipse.leshan.Foo", "outside the gateway " + record)))).doesNotThrowAnyException();
    }

    private static LogCapture.Line line(String logger, String message) {
        return new LogCapture.Line(logger, Level.INFO, message, Map.of());
    }

    private record Sample(String endpoint, String path) {
    }
}
