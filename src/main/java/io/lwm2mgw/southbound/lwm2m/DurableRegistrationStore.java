package io.lwm2mgw.southbound.lwm2m;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.storage.RetriedWrites;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.eclipse.leshan.core.Destroyable;
import org.eclipse.leshan.core.Startable;
import org.eclipse.leshan.core.Stoppable;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.server.registration.Deregistration;
import org.eclipse.leshan.server.registration.ExpirationListener;
import org.eclipse.leshan.server.registration.InMemoryRegistrationStore;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationStore;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.server.registration.UpdatedRegistration;
import org.jboss.logging.Logger;

/**
 * Leshan's registration store that outlives the process: Leshan's in-memory store serves every look-up,
 * and each change of a registration or of its observations is written to {@link RegistrationSnapshots} by
 * one writer thread (never on a protocol thread; changes to one registration coalesce), retried while the
 * disk refuses them ({@link RetriedWrites}: readiness DOWN meanwhile, memory bounded by the registrations
 * themselves). At start the
 * snapshots are read back before the server serves anyone, so devices need not register again and their
 * notifications still match the observations by token. Stopping writes what is pending.
 */
final class DurableRegistrationStore implements RegistrationStore, Startable, Stoppable, Destroyable {

    private static final Logger LOG = Logger.getLogger(DurableRegistrationStore.class);

    private final InMemoryRegistrationStore memory;
    private final RegistrationSnapshots snapshots;
    private final RegistrationCodec codec;
    private final RetriedWrites writes;
    private final String owner;
    /** Registrations held, kept here so that a Register can be checked against the cap without a scan. */
    private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * {@code writes} runs and retries every snapshot write; the store closes it when it stops. {@code owner}
     * (this gateway's id) is stored with every registration.
     */
    DurableRegistrationStore(InMemoryRegistrationStore memory, RegistrationSnapshots snapshots, ObjectMapper mapper,
            RetriedWrites writes, String owner) {
        this.owner = owner;
        this.memory = memory;
        this.snapshots = snapshots;
        this.codec = new RegistrationCodec(mapper);
        this.writes = writes;
    }

    /** Reads every stored registration back; call before the server starts. Returns how many. */
    int restore() {
        Map<String, byte[]> stored;
        try {
            stored = snapshots.loadAll();
        } catch (IOException e) {
            LOG.warnf("stored registrations not readable, devices will register again: %s", e.getMessage());
            return 0;
        }
        int restored = 0;
        int observations = 0;
        for (Map.Entry<String, byte[]> entry : stored.entrySet()) {
            try {
                RegistrationCodec.Snapshot snapshot = codec.decode(entry.getValue());
                if (memory.addRegistration(snapshot.registration()) == null) {
                    count.incrementAndGet();
                }
                for (Observation observation : snapshot.observations()) {
                    memory.addObservation(snapshot.registration().getId(), observation, false);
                    observations++;
                }
                restored++;
            } catch (IOException | RuntimeException e) {
                LOG.warnf("stored registration %s is unreadable and dropped (the device registers again): %s",
                        entry.getKey(), e.getMessage());
                changed(entry.getKey());
            }
        }
        if (restored > 0) {
            LOG.infof("restored %d registrations with %d observations", restored, observations);
        }
        return restored;
    }

    @Override
    public Deregistration addRegistration(Registration registration) {
        Deregistration replaced = memory.addRegistration(registration);
        if (replaced != null) {
            changed(replaced.getRegistration().getId());
        } else {
            count.incrementAndGet();
        }
        changed(registration.getId());
        return replaced;
    }

    @Override
    public UpdatedRegistration updateRegistration(RegistrationUpdate update) {
        UpdatedRegistration updated = memory.updateRegistration(update);
        if (updated != null) {
            changed(updated.getUpdatedRegistration().getId());
        }
        return updated;
    }

    @Override
    public Deregistration removeRegistration(String registrationId) {
        Deregistration removed = memory.removeRegistration(registrationId);
        if (removed != null) {
            count.decrementAndGet();
        }
        changed(registrationId);
        return removed;
    }

    @Override
    public Collection<Observation> addObservation(String registrationId, Observation observation, boolean addIfAbsent) {
        Collection<Observation> replaced = memory.addObservation(registrationId, observation, addIfAbsent);
        changed(registrationId);
        return replaced;
    }

    @Override
    public Observation removeObservation(String registrationId, ObservationIdentifier observationId) {
        Observation removed = memory.removeObservation(registrationId, observationId);
        if (removed != null) {
            changed(registrationId);
        }
        return removed;
    }

    @Override
    public Collection<Observation> removeObservations(String registrationId) {
        Collection<Observation> removed = memory.removeObservations(registrationId);
        changed(registrationId);
        return removed;
    }

    @Override
    public void setExpirationListener(ExpirationListener listener) {
        memory.setExpirationListener((registration, observations) -> {
            count.decrementAndGet();
            changed(registration.getId());
            if (listener != null) {
                listener.registrationExpired(registration, observations);
            }
        });
    }

    @Override
    public Registration getRegistration(String registrationId) {
        return memory.getRegistration(registrationId);
    }

    @Override
    public Registration getRegistrationByEndpoint(String endpoint) {
        return memory.getRegistrationByEndpoint(endpoint);
    }

    @Override
    public Registration getRegistrationByAdress(InetSocketAddress address) {
        return memory.getRegistrationByAdress(address);
    }

    @Override
    public Registration getRegistrationByIdentity(LwM2mIdentity identity) {
        return memory.getRegistrationByIdentity(identity);
    }

    @Override
    public Iterator<Registration> getAllRegistrations() {
        return memory.getAllRegistrations();
    }

    @Override
    public Observation getObservation(String registrationId, ObservationIdentifier observationId) {
        return memory.getObservation(registrationId, observationId);
    }

    @Override
    public Observation getObservation(ObservationIdentifier observationId) {
        return memory.getObservation(observationId);
    }

    @Override
    public Collection<Observation> getObservations(String registrationId) {
        return memory.getObservations(registrationId);
    }

    @Override
    public void start() {
        memory.start();
    }

    @Override
    public void stop() {
        memory.stop();
        flush();
    }

    @Override
    public void destroy() {
        memory.destroy();
        flush();
    }

    /** Writes what is pending and stops the writer; later changes are written at once. */
    void flush() {
        writes.close();
    }

    /** Registrations held now. */
    int size() {
        return Math.max(0, count.get());
    }

    /** Changes not yet on disk (a full disk keeps them here, retried). */
    int unwritten() {
        return writes.pending();
    }

    /** Coalesces: a registration changed twice before its write is written once, as it is then. */
    private void changed(String registrationId) {
        writes.submit(registrationId, () -> write(registrationId));
    }

    private void write(String registrationId) throws IOException {
        Registration registration = memory.getRegistration(registrationId);
        Optional<byte[]> snapshot = registration == null ? Optional.empty()
                : codec.encode(registration, memory.getObservations(registrationId), owner);
        if (snapshot.isPresent()) {
            Instant expiresAt = registration.getLastUpdate().toInstant()
                    .plusSeconds(registration.getLifeTimeInSec());
            snapshots.save(new RegistrationSnapshots.Snapshot(registrationId, registration.getEndpoint(), owner,
                    expiresAt, snapshot.get()));
        } else {
            snapshots.delete(registrationId);
        }
    }
}
