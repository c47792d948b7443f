package io.lwm2mgw.events;

import io.lwm2mgw.domain.event.DeviceEvent;

/**
 * An in-process subscriber to the device events on the {@link DeviceEventBus}: the northbound publisher, the
 * metrics, the firmware flow. Called on the publishing thread (often a protocol thread), in publish order per
 * device: return fast and hand work off.
 */
public interface DeviceEventListener {

    void onEvent(DeviceEvent event);

    /**
     * Listeners are called in ascending order of this number; the northbound publisher comes first so that
     * what others publish in reaction follows the event on the wire.
     */
    default int order() {
        return 100;
    }
}
