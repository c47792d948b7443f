package io.lwm2mgw.domain.device;

import java.util.Locale;

/** A device's state as published in its status document. */
public enum DeviceState {
    REGISTERED, AWAKE, SLEEPING, DEREGISTERED, EXPIRED;

    /** The wire form: {@code registered}, {@code awake}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
