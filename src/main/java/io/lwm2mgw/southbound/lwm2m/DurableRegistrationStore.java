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
import java.util.function.Consumer;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.util.Hex;
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
 *
 * <p>On a backend shared by several gateways ({@link RegistrationSnapshots#shared()}), an Update, De-register
 * or notification for a registration this gateway does not hold takes it over from the backend: it becomes
 * this gateway's, served on this gateway's own endpoint (its endpoint URI and its observations' are
 * rewritten), observations included, so the device goes on without registering again. A registration another
 * gateway took over is dropped from memory, without an event, by {@link #releaseMoved()}.
 */
final class DurableRegistrationStore implements RegistrationStore, Startable, Stoppable, Destroyable {

    private static final Logger LOG = Logger.getLogger(DurableRegistrationStore.class);

    private final InMemoryRegistrationStore memory;
    private final RegistrationSnapshots snapshots;
    private final RegistrationCodec codec;
    private final RetriedWrites writes;
    private final String owner;
    private final SharedRegistrationParts parts = new SharedRegistrationParts();
    /** This gateway's server endpoints by scheme, once the server is bound (see {@link #serveOn}). */
    private volatile java.util.function.Supplier<Collection<EndpointUri>> local = java.util.List::of;
    private volatile java.util.concurrent.ScheduledExecutorService sweeper;
    private volatile Consumer<Registration> takenOver = reg -> { };
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
                if (memory.addRegistration(parts.compact(snapshot.registration())) == null) {
                    count.incrementAndGet();
                }
                for (Observation observation : snapshot.observations()) {
                    memory.addObservation(snapshot.registration().getId(), parts.compact(observation), false);
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
        Deregistration replaced = memory.addRegistration(parts.compact(registration));
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
        UpdatedRegistration updated = memory.updateRegistration(parts.compacting(update));
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
        Collection<Observation> replaced = memory.addObservation(registrationId, parts.compact(observation),
                addIfAbsent);
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
        Registration held = memory.getRegistration(registrationId);
        if (held != null || !snapshots.shared()) {
            return held;
        }
        return adopt(() -> snapshots.takeOver(registrationId)) ? memory.getRegistration(registrationId) : null;
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
        Observation held = memory.getObservation(observationId);
        if (held != null || !snapshots.shared()) {
            return held;
        }
        return adopt(() -> snapshots.takeOverByToken(Hex.encodeHexString(observationId.getBytes())))
                ? memory.getObservation(observationId) : null;
    }

    /**
     * The endpoints this gateway serves (after the server bound them): a registration taken over from another
     * gateway is served on the one of its scheme. {@code takenOver} hears of each registration taken over.
     */
    void serveOn(java.util.function.Supplier<Collection<EndpointUri>> endpoints, Consumer<Registration> takenOver) {
        this.local = endpoints;
        this.takenOver = takenOver;
    }

    /** On a shared backend, runs {@link #releaseMoved()} every {@code interval} until the store stops. */
    void releaseMovedEvery(java.time.Duration interval) {
        if (!snapshots.shared()) {
            return;
        }
        java.util.concurrent.ScheduledExecutorService s = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "registration-ownership");
                    t.setDaemon(true);
                    return t;
                });
        s.scheduleWithFixedDelay(this::releaseMoved, interval.toMillis(), interval.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        sweeper = s;
    }

    private EndpointUri servedOn(EndpointUri stored) {
        for (EndpointUri mine : local.get()) {
            if (mine.getScheme().equals(stored.getScheme())) {
                return mine;
            }
        }
        return stored;
    }

    /**
     * Drops from memory, without an event, every registration another gateway holds now in the backend
     * (it took the device over, or the device registered again there). Returns how many.
     */
    int releaseMoved() {
        java.util.List<String> held = new java.util.ArrayList<>();
        memory.getAllRegistrations().forEachRemaining(reg -> held.add(reg.getId()));
        java.util.Set<String> moved;
        try {
            moved = held.isEmpty() ? java.util.Set.of() : snapshots.movedAway(held);
        } catch (IOException e) {
            LOG.warnf("could not check which registrations moved to other gateways: %s", e.getMessage());
            return 0;
        }
        int released = 0;
        for (String id : moved) {
            Deregistration gone = memory.removeRegistration(id);
            if (gone != null) {
                count.decrementAndGet();
                released++;
                LOG.infof("registration %s of %s moved to another gateway, dropped here", id,
                        gone.getRegistration().getEndpoint());
            }
        }
        return released;
    }

    @FunctionalInterface
    private interface Lookup {
        Optional<RegistrationSnapshots.Taken> find() throws IOException;
    }

    /** Takes over what {@code lookup} finds; false when the backend has nothing (or cannot be reached). */
    private boolean adopt(Lookup lookup) {
        Optional<RegistrationSnapshots.Taken> taken;
        try {
            taken = lookup.find();
        } catch (IOException e) {
            LOG.warnf("could not look for a registration held by another gateway: %s", e.getMessage());
            return false;
        }
        if (taken.isEmpty()) {
            return false;
        }
        RegistrationCodec.Snapshot snapshot;
        try {
            snapshot = codec.decode(taken.get().content(), this::servedOn);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("a registration taken over from %s is unreadable (the device registers again): %s",
                    taken.get().formerOwner(), e.getMessage());
            return false;
        }
        Registration registration = parts.compact(snapshot.registration());
        Deregistration replaced = memory.addRegistration(registration);
        if (replaced == null) {
            count.incrementAndGet();
        } else if (!replaced.getRegistration().getId().equals(registration.getId())) {
            changed(replaced.getRegistration().getId());
        }
        for (Observation observation : snapshot.observations()) {
            memory.addObservation(registration.getId(), parts.compact(observation), false);
        }
        changed(registration.getId()); // stored again with this gateway's endpoint
        LOG.infof("took over registration %s of %s%s with %d observations", registration.getId(),
                registration.getEndpoint(), taken.get().formerOwner().isEmpty() ? ""
                        : " from " + taken.get().formerOwner(), snapshot.observations().size());
        takenOver.accept(registration);
        return true;
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
        stopSweeper();
        memory.stop();
        flush();
    }

    @Override
    public void destroy() {
        stopSweeper();
        memory.destroy();
        flush();
    }

    private void stopSweeper() {
        java.util.concurrent.ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
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
            java.util.List<String> tokens = memory.getObservations(registrationId).stream()
                    .map(o -> Hex.encodeHexString(o.getId().getBytes())).toList();
            snapshots.save(new RegistrationSnapshots.Snapshot(registrationId, registration.getEndpoint(), owner,
                    expiresAt, snapshot.get(), tokens));
        } else {
            snapshots.delete(registrationId);
        }
    }
}
