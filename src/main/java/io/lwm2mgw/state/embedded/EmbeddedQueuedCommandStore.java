package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private final MVMap<String, byte[]> commands;
    private final ObjectMapper mapper;
    private final StoreHealth health;

    EmbeddedQueuedCommandStore(MvStoreEngine engine, ObjectMapper mapper, StoreHealth health) {
        this.engine = engine;
        this.commands = engine.map(MAP);
        this.mapper = mapper;
        this.health = health;
    }

    @Override
    public void save(CommandRequest request) {
        try {
            commands.put(key(request), mapper.writeValueAsBytes(StoredCommands.write(request)));
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
        try {
            if (commands.remove(key(request)) == null) {
                return;
            }
        } catch (MVStoreException e) {
            health.failing(STORE, MvStoreEngine.reason(e));
            return;
        }
        // left on disk, the command would run again after a restart: the next commit that succeeds carries it
        engine.durable().whenComplete((ok, error) -> {
            if (error == null) {
                health.recovered(STORE);
            } else {
                health.failing(STORE, MvStoreEngine.reason(error));
            }
        });
    }

    @Override
    public List<CommandRequest> loadAll() {
        List<CommandRequest> requests = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : commands.entrySet()) {
            try {
                requests.add(StoredCommands.read(mapper.readTree(entry.getValue())));
            } catch (IOException | RuntimeException e) {
                LOG.warnf("skipping unreadable stored command %s: %s", entry.getKey(), e.getMessage());
            }
        }
        requests.sort(Comparator.comparing(CommandRequest::receivedAt));
        return requests;
    }

    /** Endpoint and id, the endpoint length-prefixed so that no two pairs share a key. */
    static String key(CommandRequest request) {
        String endpoint = request.endpoint().value();
        return endpoint.length() + ":" + endpoint + "/" + request.id();
    }
}
