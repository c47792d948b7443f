package io.lwm2mgw.northbound;

/**
 * A northbound edge (MQTT, Kafka). {@link #offer} is called on the publishing thread and must not block:
 * a sink queues (see {@link OutboundQueue}) and delivers in offer order per topic on its own thread.
 */
public interface EventSink {

    /** Short name for logs and metrics: {@code mqtt}, {@code kafka}. */
    String name();

    /** Whether this sink is configured to run; a disabled sink is never offered anything. */
    boolean enabled();

    /**
     * Queues a message for delivery; never blocks. Telemetry is dropped oldest first when its buffer is full;
     * results, statuses, lifecycle events and campaign statuses are never dropped. The stage completes once the
     * broker confirmed the message (MQTT PUBACK, Kafka acknowledgement), or when telemetry was dropped.
     */
    java.util.concurrent.CompletionStage<Void> offer(OutboundMessage message);

    /**
     * Whether this sink carries messages of this channel at all; one it does not carry is never offered.
     * MQTT takes a composite notification per path, Kafka as one record.
     */
    default boolean carries(OutboundMessage.Channel channel) {
        return true;
    }

    /** Whether the sink currently has a working connection to its broker. */
    boolean connected();

    /** Messages waiting for delivery. */
    int bufferDepth();

    /** Telemetry dropped because its buffer was full, or refused by the client library. */
    long droppedCount();

    /** Whether the sink's own threads are running as they should; a dead sender means a restart is needed. */
    default boolean alive() {
        return true;
    }
}
