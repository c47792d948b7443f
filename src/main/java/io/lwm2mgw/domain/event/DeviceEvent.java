package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;

/** Something that happened to a device, as the northbound publishes it. */
public sealed interface DeviceEvent
        permits DeviceLifecycleEvent, ResourceNotified, CompositeNotified, DataSent, FirmwareProgressed, RegistrationRefused,
        BootstrapEnded {

    EndpointName endpoint();

    /**
     * Dispatches on the kind of event. A translation of events (to wire documents, to metrics) implements
     * {@link Visitor}, so that a new kind of event does not compile until every translation handles it.
     */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of event; lifecycle events share one (see {@link DeviceLifecycleEvent#kind()}). */
    interface Visitor<R> {
        R lifecycle(DeviceLifecycleEvent event);

        R notified(ResourceNotified event);

        R compositeNotified(CompositeNotified event);

        R sent(DataSent event);

        R firmware(FirmwareProgressed event);

        R refused(RegistrationRefused event);

        R bootstrap(BootstrapEnded event);
    }

    Instant time();
}
