package io.lwm2mgw.northbound;

/**
 * Fired (asynchronously) by a sink whose broker came back without the gateway's session: a broker restarted
 * without persistence forgot every retained status, which the publisher then publishes again.
 */
public record RetainedStateLost(EventSink sink) { }
