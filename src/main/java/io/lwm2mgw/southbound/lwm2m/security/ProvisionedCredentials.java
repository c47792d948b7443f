package io.lwm2mgw.southbound.lwm2m.security;

import java.util.Map;

/**
 * The state seam of provisioned credentials: the entries applications added through
 * {@code credentials-put}, by endpoint. Implemented by the file of earlier versions
 * ({@link ProvisionedCredentialsFile}) and by the state backends. Called by {@link CredentialStore} only, one
 * change at a time; each change is durable when it returns and throws {@link java.io.UncheckedIOException}
 * when it cannot be stored (the change is then refused).
 */
public interface ProvisionedCredentials {

    /** The stored entries by endpoint; read once when provisioning is enabled. */
    Map<String, DeviceCredentials> load();

    /** Adds or replaces one endpoint's entry. */
    void put(DeviceCredentials credentials);

    /** Removes one endpoint's entry; nothing to do when there is none. */
    void remove(String endpoint);
}
