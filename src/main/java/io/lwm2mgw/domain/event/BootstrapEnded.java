package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A client-initiated bootstrap (spec 5.2) came to an end: the configuration was written and Bootstrap-Finish
 * acknowledged, or a step failed.
 *
 * @param succeeded whether Bootstrap-Finish was acknowledged
 * @param servers   the LwM2M server URIs written to the device
 * @param error     what went wrong, when it did not succeed
 */
public record BootstrapEnded(Instant time, EndpointName endpoint, boolean succeeded, java.util.List<String> servers,
        Optional<String> error) implements DeviceEvent {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.bootstrap(this);
    }


    public BootstrapEnded {
        Objects.requireNonNull(time);
        Objects.requireNonNull(endpoint);
        servers = java.util.List.copyOf(servers);
        Objects.requireNonNull(error);
    }
}
