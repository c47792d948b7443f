package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.DeviceStatus;

/** An event that changes a device's status document. */
public sealed interface DeviceLifecycleEvent extends DeviceEvent
        permits DeviceRegistered, DeviceUpdated, DeviceDeregistered, DeviceExpired, DeviceAwake, DeviceSleeping {

    /** The status after the event. */
    DeviceStatus status();

    @Override
    default <R> R accept(DeviceEvent.Visitor<R> visitor) {
        return visitor.lifecycle(this);
    }
}
