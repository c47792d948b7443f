package io.lwm2mgw.northbound.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The connector's per-record ERROR lines of the outbound channel are left out; everything else passes. */
class KafkaNackLogFilterTest {

    private final KafkaNackLogFilter filter = new KafkaNackLogFilter();

    private static LogRecord record(String message, Object... parameters) {
        LogRecord record = new LogRecord(Level.SEVERE, message);
        record.setParameters(parameters);
        return record;
    }

    @Test
    void the_outbound_channels_write_and_nack_errors_are_left_out() {
        assertThat(filter.isLoggable(record("SRMSG18206: Unable to write to Kafka from channel %s (topic: %s)",
                "lwm2m-outbound", "lwm2m.telemetry"))).isFalse();
        assertThat(filter.isLoggable(record("SRMSG18212: Message %s from channel '%s' was not sent to Kafka topic "
                + "'%s' - nacking message", "Message{...}", "lwm2m-outbound", "lwm2m.telemetry"))).isFalse();
    }

    @Test
    void the_same_errors_of_another_channel_and_other_lines_pass() {
        assertThat(filter.isLoggable(record("SRMSG18206: Unable to write to Kafka from channel %s (topic: %s)",
                "lwm2m-commands", "x"))).isTrue();
        assertThat(filter.isLoggable(record("SRMSG18207: Unable to dispatch message to Kafka"))).isTrue();
        assertThat(filter.isLoggable(record("Kafka unreachable (%s); buffering", "lwm2m-outbound"))).isTrue();
        assertThat(filter.isLoggable(record(null))).isTrue();
    }
}
