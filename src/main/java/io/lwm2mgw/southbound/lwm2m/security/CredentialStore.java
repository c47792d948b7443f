package io.lwm2mgw.southbound.lwm2m.security;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.leshan.core.peer.OscoreIdentity;
import org.eclipse.leshan.servers.security.EditableSecurityStore;
import org.eclipse.leshan.servers.security.NonUniqueSecurityInfoException;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStoreListener;

/**
 * Leshan's security store over the current {@link Credentials} snapshot: Scandium looks PSKs up here during
 * handshakes, the {@link EndpointAuthorizer} looks identities up here. {@link #replace} swaps the snapshot at
 * once; credentials that changed or vanished are reported to the listeners as compromised, so Leshan drops the
 * DTLS connections made with them (an old key cannot be used any more, not even through a live session).
 * Thread-safe: reads see one whole snapshot.
 */
public final class CredentialStore implements EditableSecurityStore {

    private final List<SecurityStoreListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Index index = new Index(Credentials.empty());

    /** Installs a new snapshot; returns how many devices' credentials changed or were removed. */
    public int replace(Credentials next) {
        Index previous;
        synchronized (this) {
            previous = index;
            index = new Index(next);
        }
        List<SecurityInfo> gone = new ArrayList<>();
        for (DeviceCredentials old : previous.credentials.devices().values()) {
            DeviceCredentials now = next.devices().get(old.endpoint());
            if (now == null || !now.sameAs(old)) {
                gone.add(old.toSecurityInfo());
            }
        }
        if (!gone.isEmpty()) {
            SecurityInfo[] infos = gone.toArray(SecurityInfo[]::new);
            listeners.forEach(l -> l.securityInfoRemoved(true, infos));
        }
        return gone.size();
    }

    /** The current snapshot. */
    public Credentials current() {
        return index.credentials;
    }

    public Optional<DeviceCredentials> byEndpoint(String endpoint) {
        return Optional.ofNullable(index.credentials.devices().get(endpoint));
    }

    public Optional<DeviceCredentials> byPskIdentity(String identity) {
        return Optional.ofNullable(index.byPsk.get(identity));
    }

    public Optional<DeviceCredentials> byPublicKey(PublicKey key) {
        return Optional.ofNullable(index.byKey.get(new KeyBytes(key.getEncoded())));
    }

    public Optional<DeviceCredentials> byX509Subject(String subject) {
        return Optional.ofNullable(index.bySubject.get(subject));
    }

    @Override
    public SecurityInfo getByEndpoint(String endpoint) {
        return byEndpoint(endpoint).map(DeviceCredentials::toSecurityInfo).orElse(null);
    }

    @Override
    public SecurityInfo getByIdentity(String pskIdentity) {
        return byPskIdentity(pskIdentity).map(DeviceCredentials::toSecurityInfo).orElse(null);
    }

    @Override
    public SecurityInfo getByOscoreIdentity(OscoreIdentity oscoreIdentity) {
        return null;
    }

    @Override
    public Collection<SecurityInfo> getAll() {
        return index.credentials.devices().values().stream().map(DeviceCredentials::toSecurityInfo).toList();
    }

    /** Credentials come from the file only; provisioning at run time is not offered. */
    @Override
    public SecurityInfo add(SecurityInfo info) throws NonUniqueSecurityInfoException {
        throw new UnsupportedOperationException("credentials are read from the credentials file");
    }

    @Override
    public SecurityInfo remove(String endpoint, boolean infosAreCompromised) {
        throw new UnsupportedOperationException("credentials are read from the credentials file");
    }

    @Override
    public void addListener(SecurityStoreListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(SecurityStoreListener listener) {
        listeners.remove(listener);
    }

    private record KeyBytes(byte[] der) {
        @Override
        public boolean equals(Object o) {
            return o instanceof KeyBytes other && java.util.Arrays.equals(der, other.der);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(der);
        }
    }

    private static final class Index {
        final Credentials credentials;
        final Map<String, DeviceCredentials> byPsk = new HashMap<>();
        final Map<KeyBytes, DeviceCredentials> byKey = new HashMap<>();
        final Map<String, DeviceCredentials> bySubject = new HashMap<>();

        Index(Credentials credentials) {
            this.credentials = credentials;
            for (DeviceCredentials c : credentials.devices().values()) {
                c.pskIdentity().ifPresent(i -> byPsk.put(i, c));
                c.publicKey().ifPresent(k -> byKey.put(new KeyBytes(k.getEncoded()), c));
                c.x509Subject().ifPresent(s -> bySubject.put(s, c));
            }
        }
    }
}
