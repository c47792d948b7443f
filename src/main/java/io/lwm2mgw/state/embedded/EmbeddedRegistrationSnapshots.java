package io.lwm2mgw.state.embedded;

import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStoreException;

/**
 * Registration snapshots in the engine's map {@code registrations} (registration id to snapshot); the owner and
 * the expiry are inside the snapshot, which is all an embedded engine, private to one gateway, needs.
 */
final class EmbeddedRegistrationSnapshots implements RegistrationSnapshots {

    static final String MAP = "registrations";

    private final MvStoreEngine engine;

    EmbeddedRegistrationSnapshots(MvStoreEngine engine) {
        this.engine = engine;
    }

    @Override
    public void save(Snapshot snapshot) throws IOException {
        try {
            snapshots().put(snapshot.registrationId(), snapshot.content());
        } catch (MVStoreException e) {
            throw new IOException(MvStoreEngine.reason(e), e);
        }
        engine.commit();
    }

    @Override
    public void delete(String registrationId) throws IOException {
        try {
            if (snapshots().remove(registrationId) == null) {
                return;
            }
        } catch (MVStoreException e) {
            throw new IOException(MvStoreEngine.reason(e), e);
        }
        engine.commit();
    }

    private MVMap<String, byte[]> snapshots() {
        return engine.map(MAP);
    }

    /** What the engine has: a private engine holds nothing its gateway does not also hold in memory. */
    @Override
    public java.util.Optional<Taken> takeOver(String registrationId) throws IOException {
        try {
            return java.util.Optional.ofNullable(snapshots().get(registrationId)).map(s -> new Taken(s, ""));
        } catch (MVStoreException e) {
            throw new IOException(MvStoreEngine.reason(e), e);
        }
    }

    @Override
    public Map<String, byte[]> loadAll() throws IOException {
        try {
            return new HashMap<>(snapshots());
        } catch (MVStoreException e) {
            throw new IOException(MvStoreEngine.reason(e), e);
        }
    }
}
