package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandResult;

/**
 * One command's link back to the source that delivered it (an MQTT publish, a Kafka record, an HTTP request),
 * made by that source and handed to the router with the command. The router calls {@link #acknowledge()} or
 * {@link #release()}, never both and each at most once: the one place where a command ends for its source.
 * Methods are called on any thread and must not block.
 */
public interface CommandContext {

    /**
     * The command is done with for its source: its final result was confirmed by every broker (MQTT PUBACK of
     * the result, Kafka producer acknowledgement), or it waits durably stored for a sleeping device and its
     * {@code queued} result was confirmed. The source acknowledges now (MQTT PUBACK, Kafka offset commit).
     */
    void acknowledge();

    /**
     * The gateway stops before the command ended: it is neither answered nor acknowledged, so the broker (or the
     * uncommitted Kafka offset) hands it to the next gateway. The default does nothing, which is what MQTT and
     * Kafka need.
     */
    default void release() {
    }

    /**
     * A result of this command was published and confirmed: a {@code queued} one (not final), then the final
     * one. Sources that answer the requester themselves (HTTP) complete their answer here; the default does
     * nothing.
     */
    default void published(CommandResult result) {
    }

    /** A context for a command whose source needs no acknowledgement (the gateway's own, a test's). */
    static CommandContext none() {
        return () -> { };
    }
}
