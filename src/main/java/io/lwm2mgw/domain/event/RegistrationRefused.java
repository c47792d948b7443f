package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;
import java.util.Objects;

/**
 * A device was refused because its credentials do not entitle it to the endpoint name it used (spec 7.1.5),
 * or it came without the credentials its endpoint requires. Published only as a security event.
 *
 * @param endpoint the endpoint name the device asked for
 * @param identity the identity it presented: {@code psk:<identity>}, {@code rpk:<key hash>},
 *                 {@code x509:<subject CN>} or {@code none}
 * @param address  the device's address, {@code host:port}
 * @param reason   why it was refused, for operators
 */
public record RegistrationRefused(Instant time, EndpointName endpoint, String identity, String address,
        String reason) implements DeviceEvent {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.refused(this);
    }


    public RegistrationRefused {
        Objects.requireNonNull(time);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(identity);
        Objects.requireNonNull(address);
        Objects.requireNonNull(reason);
    }
}
