package io.lwm2mgw.southbound.lwm2m;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
     * @param tokens         the tokens of its observations (hex), so that a notification reaching another
     *                       gateway finds the registration ({@link #takeOverByToken})
     */
    record Snapshot(String registrationId, String endpoint, String owner, Instant expiresAt, byte[] content,
            List<String> tokens) {
        public Snapshot {
            if (registrationId.isEmpty() || endpoint.isEmpty() || owner.isEmpty()) {
                throw new IllegalArgumentException("a snapshot needs a registration id, an endpoint and an owner");
            }
            tokens = List.copyOf(tokens);
        }

        /** A snapshot without observation tokens. */
        public Snapshot(String registrationId, String endpoint, String owner, Instant expiresAt, byte[] content) {
            this(registrationId, endpoint, owner, expiresAt, content, List.of());
        }
    }

    /** Replaces the snapshot of one registration; durable when this returns. */
    void save(Snapshot snapshot) throws IOException;

    /** Forgets one registration; no error when there is none. */
    void delete(String registrationId) throws IOException;

    /** Every stored snapshot's content by registration id. */
    Map<String, byte[]> loadAll() throws IOException;

    /**
     * A registration taken over from another gateway.
     *
     * @param content     its snapshot
     * @param formerOwner the gateway that held it, empty when it held none or was this gateway already
     */
    record Taken(byte[] content, String formerOwner) {
    }

    /**
     * Whether other gateways share this backend, so that a device's next message may reach a gateway that
     * does not hold its registration in memory. False for the stores private to one gateway.
     */
    default boolean shared() {
        return false;
    }

    /**
     * The stored registration {@code registrationId}, made this gateway's in the same atomic step (its owner
     * becomes this gateway, the former owner's list loses it), or empty when the backend has none. Private
     * backends hold nothing their gateway does not hold in memory, and answer empty.
     */
    default Optional<Taken> takeOver(String registrationId) throws IOException {
        return Optional.empty();
    }

    /** As {@link #takeOver}, for the registration holding the observation with {@code token} (hex). */
    default Optional<Taken> takeOverByToken(String token) throws IOException {
        return Optional.empty();
    }

    /**
     * The ids among {@code registrationIds} (held in this gateway's memory) that another gateway holds now in
     * the backend: taken over there, or replaced by a new Register there. Empty for private backends.
     */
    default Set<String> movedAway(Collection<String> registrationIds) throws IOException {
        return Set.of();
    }
}
