package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** Something that happened to a device, as the northbound publishes it. */
public sealed interface DeviceEvent
        permits DeviceLifecycleEvent, ResourceNotified, DataSent, FirmwareProgressed, RegistrationRefused,
        BootstrapEnded {

    EndpointName endpoint();

    Instant time();
}
