package io.lwm2mgw.northbound.kafka;

import io.quarkus.logging.LoggingFilter;
import java.util.Arrays;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Leaves out the Kafka connector's two ERROR lines, each with a stack trace, for every outbound record the
 * cluster could not take ("Unable to write to Kafka", "was not sent to Kafka topic ... nacking message"): in an
 * outage that is every record, and {@link KafkaSink} logs the outage once and puts the records back. The same
 * messages for any other channel pass.
 */
@LoggingFilter(name = "kafka-outbound-nacks")
public final class KafkaNackLogFilter implements Filter {

    private static final String UNABLE_TO_WRITE = "SRMSG18206";
    private static final String NACKING = "SRMSG18212";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message == null || !(message.startsWith(UNABLE_TO_WRITE) || message.startsWith(NACKING))) {
            return true;
        }
        Object[] parameters = record.getParameters();
        return parameters == null || Arrays.stream(parameters).noneMatch(ConnectorRecordSender.CHANNEL::equals);
    }
}
