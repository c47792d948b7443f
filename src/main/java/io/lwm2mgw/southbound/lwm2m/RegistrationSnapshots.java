package io.lwm2mgw.southbound.lwm2m;

import java.io.IOException;
import java.util.Map;

/**
 * Where the gateway keeps each device's registration and observations beyond a restart, as one opaque
 * snapshot per registration id. The embedded default is {@link FileRegistrationSnapshots} on a volume; a
 * store shared by several gateways can implement the same three operations. Called from one writer thread
 * at a time, and at start before any device is served.
 */
public interface RegistrationSnapshots {

    /** Replaces the snapshot of one registration; durable when this returns. */
    void save(String registrationId, byte[] snapshot) throws IOException;

    /** Forgets one registration; no error when there is none. */
    void delete(String registrationId) throws IOException;

    /** Every stored snapshot by registration id. */
    Map<String, byte[]> loadAll() throws IOException;
}
