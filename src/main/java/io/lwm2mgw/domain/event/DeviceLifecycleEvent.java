package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;

/** An event that changes a device's status document. */
public sealed interface DeviceLifecycleEvent extends DeviceEvent
        permits DeviceRegistered, DeviceUpdated, DeviceDeregistered, DeviceExpired, DeviceAwake, DeviceSleeping {

    /** The status after the event. */
    DeviceStatus status();

    /**
     * The contract's name of the event ({@code registered}, {@code updated}, ...), as it appears in topics,
     * documents and CloudEvents types. Each kind names itself, so a new kind does not compile without one.
     */
    String kind();

    @Override
    default <R> R accept(DeviceEvent.Visitor<R> visitor) {
        return visitor.lifecycle(this);
    }
}
