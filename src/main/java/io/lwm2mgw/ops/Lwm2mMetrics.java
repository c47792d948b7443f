package io.lwm2mgw.ops;

import io.lwm2mgw.domain.event.DeviceDeregistered;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceExpired;
import io.lwm2mgw.domain.event.DeviceRegistered;
import io.lwm2mgw.domain.event.DeviceUpdated;
import io.lwm2mgw.domain.event.ResourceNotified;
import io.lwm2mgw.northbound.EventSink;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The gateway's own Prometheus figures. Counters are totals; rates per second come from PromQL
 * ({@code rate(lwm2m_notifications_total[1m])}).
 */
@Startup
@ApplicationScoped
public class Lwm2mMetrics {

    private final Counter registrations;
    private final Counter updates;
    private final Counter deregistrations;
    private final Counter expirations;
    private final Counter notifications;

    public Lwm2mMetrics(MeterRegistry registry, Lwm2mEndpoint endpoint, @All List<EventSink> sinks) {
        Gauge.builder("lwm2m.devices.registered", endpoint, Lwm2mEndpoint::registeredDevices)
                .description("Devices with a live registration").register(registry);
        registrations = Counter.builder("lwm2m.registrations").description("Registrations accepted")
                .register(registry);
        updates = Counter.builder("lwm2m.updates").description("Registration updates").register(registry);
        deregistrations = Counter.builder("lwm2m.deregistrations").description("De-registrations")
                .register(registry);
        expirations = Counter.builder("lwm2m.expirations").description("Registrations expired without update")
                .register(registry);
        notifications = Counter.builder("lwm2m.notifications")
                .description("Observed values received (notifications and first observe responses)")
                .register(registry);
        for (EventSink sink : sinks) {
            Gauge.builder("northbound.buffer.depth", sink, EventSink::bufferDepth).tag("sink", sink.name())
                    .description("Messages waiting for delivery to the broker").register(registry);
            FunctionCounter.builder("northbound.dropped", sink, EventSink::droppedCount).tag("sink", sink.name())
                    .description("Messages dropped because the buffer was full").register(registry);
            Gauge.builder("northbound.connected", sink, s -> s.enabled() && s.connected() ? 1 : 0)
                    .tag("sink", sink.name()).description("1 when the sink's broker is reachable")
                    .register(registry);
        }
    }

    /** Counts one domain event; called for every event on its way out. */
    public void record(DeviceEvent event) {
        if (event instanceof ResourceNotified) {
            notifications.increment();
        } else if (event instanceof DeviceUpdated) {
            updates.increment();
        } else if (event instanceof DeviceRegistered) {
            registrations.increment();
        } else if (event instanceof DeviceDeregistered) {
            deregistrations.increment();
        } else if (event instanceof DeviceExpired) {
            expirations.increment();
        }
    }
}
