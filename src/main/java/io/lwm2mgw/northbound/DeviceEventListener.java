package io.lwm2mgw.northbound;

import io.lwm2mgw.domain.event.DeviceEvent;

/**
 * An in-process consumer of the device events the fan-out publishes (the firmware flow follows State and
 * Update Result notifications and re-registrations this way). Called on protocol threads, in publish order
 * per device: return fast and hand work off.
 */
public interface DeviceEventListener {

    void onEvent(DeviceEvent event);
}
