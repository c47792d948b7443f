package io.lwm2mgw.domain.command;

import java.util.Locale;

/** A command's outcome as the contract names it; every status but {@link #QUEUED} is final. */
public enum CommandStatus {
    QUEUED, SUCCESS, DEVICE_ERROR, INVALID, NOT_REGISTERED, TIMEOUT, EXPIRED, CANCELLED, FAILED;

    /** The wire form: {@code device-error}, {@code not-registered}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isFinal() {
        return this != QUEUED;
    }
}
