package io.lwm2mgw.southbound.lwm2m;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * The state seam of registrations: where the gateway keeps each device's registration and observations
 * beyond a restart, as one opaque snapshot per registration id. Implemented by the file store of earlier
 * versions ({@link FileRegistrationSnapshots}) and by the state backends (embedded engine, redis). Called from
 * one writer thread at a time, and at start before any device is served.
 */
public interface RegistrationSnapshots {

    /**
     * One registration's snapshot with what a backend may index it by.
     *
     * @param registrationId Leshan's registration id, the key
     * @param endpoint       the device's endpoint name
     * @param owner          the gateway ({@code gateway.id}) that holds the registration
     * @param expiresAt      when the registration ends unless the device updates it (last update + lifetime)
     * @param content        the snapshot itself, opaque to the backend
     */
    record Snapshot(String registrationId, String endpoint, String owner, Instant expiresAt, byte[] content) {
        public Snapshot {
            if (registrationId.isEmpty() || endpoint.isEmpty() || owner.isEmpty()) {
                throw new IllegalArgumentException("a snapshot needs a registration id, an endpoint and an owner");
            }
        }
    }

    /** Replaces the snapshot of one registration; durable when this returns. */
    void save(Snapshot snapshot) throws IOException;

    /** Forgets one registration; no error when there is none. */
    void delete(String registrationId) throws IOException;

    /** Every stored snapshot's content by registration id. */
    Map<String, byte[]> loadAll() throws IOException;
}
