package io.lwm2mgw.ops;

import io.lwm2mgw.northbound.EventSink;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.lwm2mgw.storage.StoreHealth;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Kubernetes probes. Live: the LwM2M endpoint is bound (a gateway that lost its socket must be restarted) and
 * the northbound threads run (the Kafka command channel reports its own liveness, "SmallRye Reactive Messaging").
 * Ready: the LwM2M endpoint is bound (DOWN while starting, and while stopping
 * through Quarkus' shutdown delay) and every file store writes; broker outages are reported as data, not as DOWN.
 */
@ApplicationScoped
public class GatewayHealth {

    private final Lwm2mEndpoint endpoint;
    private final List<EventSink> sinks;
    private final StoreHealth stores;

    public GatewayHealth(Lwm2mEndpoint endpoint, @All List<EventSink> sinks, StoreHealth stores) {
        this.endpoint = endpoint;
        this.sinks = sinks;
        this.stores = stores;
    }

    @Produces
    @Liveness
    HealthCheck lwm2mLiveness() {
        return () -> lwm2m().build();
    }

    @Produces
    @Liveness
    HealthCheck northboundLiveness() {
        return () -> sinkLiveness(sinks);
    }

    /** DOWN when a sink's sender thread has died: nothing would leave that sink again until a restart. */
    static HealthCheckResponse sinkLiveness(List<EventSink> sinks) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("northbound-senders").up();
        for (EventSink sink : sinks) {
            if (sink.enabled()) {
                builder.withData(sink.name(), sink.alive() ? "running" : "dead");
                if (!sink.alive()) {
                    builder.down();
                }
            }
        }
        return builder.build();
    }

    @Produces
    @Readiness
    HealthCheck lwm2mReadiness() {
        return () -> lwm2m().build();
    }

    @Produces
    @Readiness
    HealthCheck northboundReadiness() {
        return () -> northboundState(sinks);
    }

    @Produces
    @Readiness
    HealthCheck storageReadiness() {
        return () -> storageState(stores);
    }

    /**
     * DOWN while a file store cannot write (a full or read-only volume): the gateway keeps serving and retries,
     * but what changes meanwhile would be lost by a restart, and the operator has to free the disk. Each
     * failing store is named with the disk's reason.
     */
    static HealthCheckResponse storageState(StoreHealth stores) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("storage").up();
        stores.failures().forEach((store, reason) -> builder.down().withData(store, reason));
        return builder.build();
    }

    /**
     * Always UP: while a broker is unreachable the gateway still serves its devices and buffers what it
     * publishes, and a not-ready pod would be taken out of the devices' UDP Service. The brokers' state and
     * the buffered counts are reported as data.
     */
    static HealthCheckResponse northboundState(List<EventSink> sinks) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("northbound").up();
        for (EventSink sink : sinks) {
            if (sink.enabled()) {
                builder.withData(sink.name(), sink.connected() ? "connected" : "unreachable")
                        .withData(sink.name() + "-buffered", sink.bufferDepth());
            }
        }
        return builder.build();
    }

    private HealthCheckResponseBuilder lwm2m() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("lwm2m");
        // either endpoint may be switched off; the server is up when every enabled one is bound
        boolean bound = endpoint.boundPort().isPresent() || endpoint.secureBoundPort().isPresent();
        if (bound) {
            builder.up().withData("devices", endpoint.registeredDevices());
        } else {
            builder.down();
        }
        endpoint.boundPort().ifPresentOrElse(port -> builder.withData("coap-port", port),
                () -> builder.withData("coap-port", "not bound"));
        endpoint.secureBoundPort().ifPresent(port -> builder.withData("coaps-port", port));
        return builder;
    }
}
