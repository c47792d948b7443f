package io.lwm2mgw.southbound.lwm2m.security;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.leshan.core.peer.OscoreIdentity;
import org.eclipse.leshan.servers.security.EditableSecurityStore;
import org.eclipse.leshan.servers.security.NonUniqueSecurityInfoException;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStoreListener;
import org.jboss.logging.Logger;

/**
 * Leshan's security store over the current {@link Credentials} snapshot: Scandium looks PSKs up here during
 * handshakes, the {@link EndpointAuthorizer} looks identities up here. {@link #replace} swaps the snapshot at
 * once; credentials that changed or vanished are reported to the listeners as compromised, so Leshan drops the
 * DTLS connections made with them (an old key cannot be used any more, not even through a live session).
 * The snapshot is the credentials file's entries plus those applications provisioned (when enabled), which
 * are stored in their own store and never override the credentials file. Thread-safe: reads see one whole
 * snapshot; changes are serialized.
 */
public final class CredentialStore implements EditableSecurityStore {

    private static final Logger LOG = Logger.getLogger(CredentialStore.class);

    private final List<SecurityStoreListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Index index = new Index(Credentials.empty());
    /** The credentials file's last snapshot; guarded by this. */
    private Credentials file = Credentials.empty();
    /** Entries applications provisioned, by endpoint; guarded by this. Null: provisioning is off. */
    private Map<String, DeviceCredentials> provisioned;
    private ProvisionedCredentials provisionedStore;
    /** Provisioned endpoints the file shadows right now, so each is logged once when it becomes shadowed. */
    private Set<String> shadowed = Set.of();

    /**
     * Installs a new snapshot of the credentials file; returns how many devices' credentials changed or were
     * removed. Provisioned entries stay, except where the file now names the same endpoint (the file wins) or
     * gives their identity to another endpoint; those are shadowed, not deleted.
     */
    public synchronized int replace(Credentials next) {
        file = next;
        return install(merged());
    }

    /** Turns provisioning on with the entries stored in {@code storage}; call before serving. */
    public synchronized void enableProvisioning(ProvisionedCredentials storage) {
        provisionedStore = storage;
        provisioned = new LinkedHashMap<>(storage.load());
        install(merged());
    }

    /**
     * Adds or replaces an endpoint's provisioned credentials, stored before they take effect. Returns the
     * problem when they are refused: the endpoint is in the credentials file, or another endpoint holds the
     * identity. Throws {@link java.io.UncheckedIOException} when they cannot be stored.
     */
    public synchronized Optional<String> provision(DeviceCredentials credentials) {
        if (provisioned == null) {
            return Optional.of("credential provisioning is off");
        }
        String endpoint = credentials.endpoint();
        if (file.devices().containsKey(endpoint)) {
            return Optional.of("endpoint " + endpoint + " has credentials in the credentials file: change them there");
        }
        for (DeviceCredentials other : index.credentials.devices().values()) {
            if (!other.endpoint().equals(endpoint) && other.uniqueKey().equals(credentials.uniqueKey())) {
                return Optional.of(credentials.uniqueKeyForHumans() + " is already used by endpoint "
                        + other.endpoint());
            }
        }
        Map<String, DeviceCredentials> next = new LinkedHashMap<>(provisioned);
        next.put(endpoint, credentials);
        provisionedStore.put(credentials);
        provisioned = next;
        install(merged());
        return Optional.empty();
    }

    /**
     * Removes an endpoint's provisioned credentials (nothing to do when there are none). Returns the problem
     * when refused: the endpoint's credentials are in the credentials file.
     */
    public synchronized Optional<String> deprovision(String endpoint) {
        if (provisioned == null) {
            return Optional.of("credential provisioning is off");
        }
        if (file.devices().containsKey(endpoint)) {
            return Optional.of("endpoint " + endpoint + " has credentials in the credentials file: remove them there");
        }
        if (provisioned.containsKey(endpoint)) {
            Map<String, DeviceCredentials> next = new LinkedHashMap<>(provisioned);
            next.remove(endpoint);
            provisionedStore.remove(endpoint);
            provisioned = next;
            install(merged());
        }
        return Optional.empty();
    }

    /** Whether the endpoint's credentials come from provisioning (not from the file). */
    public synchronized boolean isProvisioned(String endpoint) {
        return provisioned != null && provisioned.containsKey(endpoint) && !file.devices().containsKey(endpoint);
    }

    /** The file's entries, then the provisioned ones that clash with none of them. */
    private Credentials merged() {
        Map<String, DeviceCredentials> all = new LinkedHashMap<>(file.devices());
        Set<String> nowShadowed = new HashSet<>();
        if (provisioned != null) {
            Map<String, String> owners = new HashMap<>();
            all.values().forEach(c -> owners.put(c.uniqueKey(), c.endpoint()));
            for (DeviceCredentials c : provisioned.values()) {
                String owner = owners.get(c.uniqueKey());
                if (all.containsKey(c.endpoint()) || owner != null) {
                    nowShadowed.add(c.endpoint());
                    if (!shadowed.contains(c.endpoint())) {
                        LOG.warnf("provisioned credentials of %s are shadowed by the credentials file, which names %s",
                                c.endpoint(), all.containsKey(c.endpoint()) ? "the same endpoint"
                                        : "their " + c.uniqueKeyForHumans() + " for " + owner);
                    }
                } else {
                    all.put(c.endpoint(), c);
                    owners.put(c.uniqueKey(), c.endpoint());
                }
            }
        }
        shadowed = nowShadowed;
        return new Credentials(all, file.bootstrap(), file.clientKeys());
    }

    /** Installs an effective snapshot; returns how many devices' credentials changed or were removed. */
    private int install(Credentials next) {
        Index previous = index;
        index = new Index(next);
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

    /** Leshan's own editing API is not used: credentials change through the file or {@link #provision}. */
    @Override
    public SecurityInfo add(SecurityInfo info) throws NonUniqueSecurityInfoException {
        throw new UnsupportedOperationException("credentials change through the credentials file or provisioning");
    }

    @Override
    public SecurityInfo remove(String endpoint, boolean infosAreCompromised) {
        throw new UnsupportedOperationException("credentials change through the credentials file or provisioning");
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
