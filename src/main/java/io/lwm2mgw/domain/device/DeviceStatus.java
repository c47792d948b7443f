package io.lwm2mgw.domain.device;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A device's registration as the northbound sees it.
 *
 * @param objects object instance links the device announced ({@code /1/0}, {@code /3/0}, or {@code /3303}
 *                for an object without instances), alternate path removed
 */
public record DeviceStatus(
        EndpointName endpoint,
        DeviceState state,
        String registrationId,
        String lwm2mVersion,
        String binding,
        long lifetimeSeconds,
        boolean queueMode,
        String address,
        Optional<String> smsNumber,
        Optional<String> alternatePath,
        List<String> objects) {

    public DeviceStatus {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(lwm2mVersion, "lwm2mVersion");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(smsNumber, "smsNumber");
        Objects.requireNonNull(alternatePath, "alternatePath");
        objects = List.copyOf(objects);
    }

    public DeviceStatus withState(DeviceState newState) {
        return new DeviceStatus(endpoint, newState, registrationId, lwm2mVersion, binding, lifetimeSeconds,
                queueMode, address, smsNumber, alternatePath, objects);
    }
}
