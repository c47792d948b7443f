package io.lwm2mgw.domain.device;

/** The LwM2M endpoint client name, raw (not escaped for any transport). */
public record EndpointName(String value) implements Comparable<EndpointName> {

    public EndpointName {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("endpoint name must not be empty");
        }
    }

    public static EndpointName of(String value) {
        return new EndpointName(value);
    }

    @Override
    public int compareTo(EndpointName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
