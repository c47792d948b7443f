package io.lwm2mgw.state.embedded;

import io.lwm2mgw.southbound.lwm2m.security.CredentialEntryCodec;
import io.lwm2mgw.southbound.lwm2m.security.DeviceCredentials;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStoreException;

/**
 * Provisioned credentials in the engine's map {@code credentials} (endpoint to its entry in the credentials
 * file's format, {@link CredentialEntryCodec}). It holds keys: the state folder should be readable by the
 * gateway only.
 */
final class EmbeddedProvisionedCredentials implements ProvisionedCredentials {

    static final String MAP = "credentials";

    private final MvStoreEngine engine;

    EmbeddedProvisionedCredentials(MvStoreEngine engine) {
        this.engine = engine;
    }

    /** A stored entry that does not decode stops start-up, as the credentials file does. */
    @Override
    public Map<String, DeviceCredentials> load() {
        Map<String, DeviceCredentials> all = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : entries().entrySet()) {
            try {
                all.put(entry.getKey(), CredentialEntryCodec.decode(entry.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("provisioned credentials of " + entry.getKey() + " in "
                        + engine.file() + " are unreadable: " + e.getMessage(), e);
            }
        }
        return all;
    }

    @Override
    public void put(DeviceCredentials credentials) {
        change(() -> entries().put(credentials.endpoint(), CredentialEntryCodec.encode(credentials)));
    }

    @Override
    public void remove(String endpoint) {
        change(() -> entries().remove(endpoint));
    }

    private MVMap<String, byte[]> entries() {
        return engine.map(MAP);
    }

    private void change(Runnable change) {
        try {
            change.run();
            engine.commit();
        } catch (IOException | MVStoreException e) {
            throw new UncheckedIOException("cannot store provisioned credentials in " + engine.file() + ": "
                    + MvStoreEngine.reason(e), e instanceof IOException io ? io : new IOException(e));
        }
    }
}
