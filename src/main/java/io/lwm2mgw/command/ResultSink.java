package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandResult;
import java.util.concurrent.CompletionStage;

/**
 * Where command results go (implemented by the northbound). Results never give way to telemetry: they are
 * never dropped, whatever the buffers hold, and wait through a broker outage instead.
 */
public interface ResultSink {

    /**
     * Publishes {@code result} to every enabled broker. The stage completes once each of them confirmed it (MQTT
     * PUBACK, Kafka acknowledgement); it never fails because a broker is away, it waits. Never blocks.
     */
    CompletionStage<Void> publish(CommandResult result);
}
