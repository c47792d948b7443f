package io.lwm2mgw.domain.command;

/** How a write on an object instance treats the resources it does not name (spec 5.4.3). */
public enum WriteMode {
    /** CoAP PUT: the instance becomes exactly what is written. */
    REPLACE,
    /** CoAP POST: only the named resources change. */
    UPDATE
}
