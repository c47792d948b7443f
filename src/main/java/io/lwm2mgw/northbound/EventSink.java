package io.lwm2mgw.northbound;

/**
 * A northbound edge (MQTT, Kafka). {@link #offer} is called on the fan-out's thread and must not block:
 * a sink buffers, and delivers in offer order on its own thread.
 */
public interface EventSink {

    /** Short name for logs and metrics: {@code mqtt}, {@code kafka}. */
    String name();

    /** Whether this sink is configured to run; a disabled sink is never offered anything. */
    boolean enabled();

    /** Queues a message for delivery; never blocks, drops the oldest queued message when full. */
    void offer(OutboundMessage message);

    /** Whether the sink currently has a working connection to its broker. */
    boolean connected();

    /** Messages waiting for delivery. */
    int bufferDepth();

    /** Messages dropped because the buffer was full. */
    long droppedCount();

    /** Whether the sink's own threads are running as they should; a dead sender means a restart is needed. */
    default boolean alive() {
        return true;
    }
}
