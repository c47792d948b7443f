package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStoreException;
import org.jboss.logging.Logger;

/**
 * Queued commands in the engine's map {@code queued-commands}, keyed by endpoint and id, each in the stored
 * command format ({@link StoredCommands}). A save is durable when it returns; a removal is durable with the
 * next commit, and a failed commit is reported as the failing store {@code queued-commands} until one succeeds.
 */
final class EmbeddedQueuedCommandStore implements QueuedCommandStore {

    private static final Logger LOG = Logger.getLogger(EmbeddedQueuedCommandStore.class);

    static final String MAP = "queued-commands";
    static final String STORE = "queued-commands";

    private final MvStoreEngine engine;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    private final RetriedWrites removals;

    /** A removal whose commit failed is retried from {@code firstDelay} up to {@code maxDelay} apart. */
    EmbeddedQueuedCommandStore(MvStoreEngine engine, ObjectMapper mapper, StoreHealth health, Duration firstDelay,
            Duration maxDelay) {
        this.engine = engine;
        this.removals = new RetriedWrites(STORE + "-removals", health, firstDelay, maxDelay);
        this.mapper = mapper;
        this.health = health;
    }

    @Override
    public void save(CommandRequest request) {
        try {
            commands().put(key(request), mapper.writeValueAsBytes(StoredCommands.write(request)));
            engine.commit();
            health.recovered(STORE);
        } catch (IOException | MVStoreException e) {
            String reason = MvStoreEngine.reason(e);
            health.failing(STORE, reason);
            throw new UncheckedIOException("cannot store queued command " + request.id() + ": " + reason,
                    e instanceof IOException io ? io : new IOException(reason, e));
        }
    }

    @Override
    public void remove(CommandRequest request) {
        String key = key(request);
        try {
            if (commands().remove(key) == null) {
                return;
            }
        } catch (MVStoreException e) {
            retryRemoval(key);
            return;
        }
        engine.durable().whenComplete((ok, error) -> {
            if (error != null) {
                retryRemoval(key);
            }
        });
    }

    /**
     * Left on disk, the command would run again after a restart: removed again on the removals' thread until
     * a commit takes it (a failed write may have reopened the engine without the removal).
     */
    private void retryRemoval(String key) {
        removals.submit(key, () -> {
            try {
                commands().remove(key);
            } catch (MVStoreException e) {
                throw new IOException(MvStoreEngine.reason(e), e);
            }
            engine.commit();
        });
    }

    /** Removals not yet committed (tests). */
    int unremoved() {
        return removals.pending();
    }

    @Override
    public List<CommandRequest> loadAll() {
        List<CommandRequest> requests = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : commands().entrySet()) {
            try {
                requests.add(StoredCommands.read(mapper.readTree(entry.getValue())));
            } catch (IOException | RuntimeException e) {
                LOG.warnf("skipping unreadable stored command %s: %s", entry.getKey(), e.getMessage());
            }
        }
        requests.sort(Comparator.comparing(CommandRequest::receivedAt));
        return requests;
    }

    private MVMap<String, byte[]> commands() {
        return engine.map(MAP);
    }

    /** Endpoint and id, the endpoint length-prefixed so that no two pairs share a key. */
    static String key(CommandRequest request) {
        String endpoint = request.endpoint().value();
        return endpoint.length() + ":" + endpoint + "/" + request.id();
    }
}
