package io.lwm2mgw.ops;

import io.lwm2mgw.domain.event.DataSent;
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
public class Lwm2mMetrics implements io.lwm2mgw.events.DeviceEventListener {

    private final Counter registrations;
    private final Counter updates;
    private final Counter deregistrations;
    private final Counter expirations;
    private final Counter notifications;
    private final Counter sends;
    // meters keep their objects weakly: this bean keeps them alive for as long as the application runs
    private final Lwm2mEndpoint endpoint;
    private final List<EventSink> sinks;
    private final MeterRegistry registry;
    private final List<io.micrometer.core.instrument.Meter> meters = new java.util.ArrayList<>();

    public Lwm2mMetrics(MeterRegistry registry, Lwm2mEndpoint endpoint, @All List<EventSink> sinks) {
        this.endpoint = endpoint;
        this.sinks = List.copyOf(sinks);
        this.registry = registry;
        // gauges hold their object weakly; these are CDI client proxies nothing else keeps: hold them strongly
        track(Gauge.builder("lwm2m.devices.registered", endpoint, Lwm2mEndpoint::registeredDevices)
                .strongReference(true).description("Devices with a live registration").register(registry));
        registrations = track(Counter.builder("lwm2m.registrations").description("Registrations accepted")
                .register(registry));
        updates = track(Counter.builder("lwm2m.updates").description("Registration updates").register(registry));
        deregistrations = track(Counter.builder("lwm2m.deregistrations").description("De-registrations")
                .register(registry));
        expirations = track(Counter.builder("lwm2m.expirations")
                .description("Registrations expired without update").register(registry));
        notifications = track(Counter.builder("lwm2m.notifications")
                .description("Observed values received (notifications and first observe responses)")
                .register(registry));
        sends = track(Counter.builder("lwm2m.sends")
                .description("LwM2M 1.1 Sends received (each may carry several readings)").register(registry));
        refusalMeters(endpoint.refusals());
        clusterMeters(endpoint.clusterCounters());
        for (EventSink sink : this.sinks) {
            if (!sink.enabled()) {
                continue; // a sink that is off has no broker to be connected to, and nothing to buffer or drop
            }
            track(Gauge.builder("northbound.buffer.depth", sink, EventSink::bufferDepth).strongReference(true)
                    .tag("sink", sink.name()).description("Messages waiting for delivery to the broker")
                    .register(registry));
            track(FunctionCounter.builder("northbound.dropped", sink, EventSink::droppedCount)
                    .tag("sink", sink.name()).description("Messages dropped because the buffer was full")
                    .register(registry));
            track(Gauge.builder("northbound.connected", sink, s -> s.enabled() && s.connected() ? 1 : 0)
                    .strongReference(true).tag("sink", sink.name())
                    .description("1 when the sink's broker is reachable").register(registry));
        }
    }

    /**
     * DTLS records that crossed between cluster replicas ({@code lwm2m_dtls_cluster_records_total{direction}}): all
     * zero on a single gateway, and on a cluster whose load balancer keeps every device on its replica.
     */
    private void clusterMeters(io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters cluster) {
        clusterMeter(cluster, "forwarded-out", io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters::forwardedOut,
                "records for another replica's session, forwarded to it");
        clusterMeter(cluster, "forwarded-in", io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters::forwardedIn,
                "records another replica received for a session held here");
        clusterMeter(cluster, "backwarded-out", io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters::backwardedOut,
                "records to a device sent through the replica its last record arrived at");
        clusterMeter(cluster, "backwarded-in", io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters::backwardedIn,
                "records another replica gave this one to send to its device");
        clusterMeter(cluster, "dropped", io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters::dropped,
                "records that could not cross: owner unknown or silent");
        clusterMeter(cluster, "refused", io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters::refused,
                "records from the cluster port whose MAC did not verify");
    }

    private void clusterMeter(io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters cluster, String direction,
            java.util.function.ToDoubleFunction<io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters> count,
            String description) {
        track(FunctionCounter.builder("lwm2m.dtls.cluster.records", cluster, count).tag("direction", direction)
                .description("DTLS records between cluster replicas: " + description).register(registry));
    }

    /** What the southbound refused or held back: a flood shows here even when its log lines are throttled. */
    private void refusalMeters(io.lwm2mgw.southbound.lwm2m.RefusalCounters refusals) {
        track(FunctionCounter.builder("lwm2m.dtls.handshakes.failed", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::handshakesFailed)
                .description("DTLS handshakes that failed (bad Finished, timeout, authorization refused)")
                .register(registry));
        track(FunctionCounter.builder("lwm2m.dtls.handshakes.refused", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::handshakesRefused)
                .description("DTLS handshakes refused: no credentials hold the offered PSK identity")
                .register(registry));
        track(FunctionCounter.builder("lwm2m.dtls.handshakes.started", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::handshakesStarted)
                .description("DTLS handshakes begun").register(registry));
        track(FunctionCounter.builder("lwm2m.dtls.records.dropped", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::recordsDropped)
                .description("DTLS records dropped: malformed, replayed, wrong epoch, no connection, bad MAC")
                .register(registry));
        track(FunctionCounter.builder("lwm2m.refusals.events.suppressed", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::eventsSuppressed)
                .description("Security events not published because their source address sent too many")
                .register(registry));
        track(FunctionCounter.builder("lwm2m.refusals.logs.suppressed", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::logLinesSuppressed)
                .description("Log lines about refused requests not written because their source sent too many")
                .register(registry));
        track(FunctionCounter.builder("lwm2m.registrations.refused", refusals,
                io.lwm2mgw.southbound.lwm2m.RefusalCounters::registrationsRefused)
                .description("Registrations refused at the door (limits, malformed parameters, address change)")
                .register(registry));
    }

    private <M extends io.micrometer.core.instrument.Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Our meters go with the application: a registry that outlives it must not call into stopped beans. */
    public void removeMeters() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** Counts one domain event, as a listener on the bus. */
    @Override
    public void onEvent(DeviceEvent event) {
        event.accept(counter);
    }

    /** Which counter each kind of event moves: a new kind does not compile until it is decided here. */
    private final DeviceEvent.Visitor<Void> counter = new DeviceEvent.Visitor<>() {
        @Override
        public Void lifecycle(io.lwm2mgw.domain.event.DeviceLifecycleEvent event) {
            if (event instanceof DeviceUpdated) {
                updates.increment();
            } else if (event instanceof DeviceRegistered) {
                registrations.increment();
            } else if (event instanceof DeviceDeregistered) {
                deregistrations.increment();
            } else if (event instanceof DeviceExpired) {
                expirations.increment();
            }
            return null; // awake and sleeping change no count
        }

        @Override
        public Void notified(ResourceNotified event) {
            notifications.increment();
            return null;
        }

        @Override
        public Void compositeNotified(io.lwm2mgw.domain.event.CompositeNotified event) {
            notifications.increment();
            return null;
        }

        @Override
        public Void sent(DataSent event) {
            sends.increment();
            return null;
        }

        @Override
        public Void firmware(io.lwm2mgw.domain.event.FirmwareProgressed event) {
            return null; // no metric of its own
        }

        @Override
        public Void refused(io.lwm2mgw.domain.event.RegistrationRefused event) {
            return null; // no metric of its own
        }

        @Override
        public Void bootstrap(io.lwm2mgw.domain.event.BootstrapEnded event) {
            return null; // no metric of its own
        }
    };
}
