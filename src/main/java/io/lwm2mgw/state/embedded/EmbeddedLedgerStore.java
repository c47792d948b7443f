package io.lwm2mgw.state.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStoreException;
import org.jboss.logging.Logger;

/**
 * The command ledger in two engine maps: {@code ledger-completed} (a sequence number, in completion order, to
 * the stored result) holding at most {@code remembered} results, and {@code ledger-sending} (endpoint and id
 * to a mark). Each record is durable with the commit that follows it, grouped with whatever else is being
 * committed; a commit that fails is reported as the failing store {@code ledger} until one succeeds.
 */
final class EmbeddedLedgerStore implements LedgerStore {

    private static final Logger LOG = Logger.getLogger(EmbeddedLedgerStore.class);

    static final String COMPLETED = "ledger-completed";
    static final String SENDING = "ledger-sending";
    static final String STORE = "ledger";

    private final MvStoreEngine engine;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    /** The sequence number of each remembered result, oldest first; guarded by this. */
    private final LinkedHashMap<String, Long> sequence = new LinkedHashMap<>();
    private long next;
    private int remembered = Integer.MAX_VALUE;

    EmbeddedLedgerStore(MvStoreEngine engine, ObjectMapper mapper, StoreHealth health) {
        this.engine = engine;
        this.mapper = mapper;
        this.health = health;
    }

    @Override
    public synchronized Loaded load(int remembered) {
        this.remembered = remembered;
        Map<String, CommandResult> results = new LinkedHashMap<>();
        int unreadable = 0;
        for (Map.Entry<Long, byte[]> entry : completedMap().entrySet()) {
            try {
                CommandResult result = StoredResults.read(mapper.readTree(entry.getValue()));
                String key = key(result.endpoint().orElseThrow(), result.id().orElseThrow());
                Long earlier = sequence.remove(key);
                if (earlier != null) {
                    completedMap().remove(earlier);
                }
                results.remove(key);
                results.put(key, result);
                sequence.put(key, entry.getKey());
            } catch (IOException | RuntimeException e) {
                completedMap().remove(entry.getKey());
                unreadable++;
            }
            next = entry.getKey() + 1;
        }
        forgetBeyondRemembered(results);
        durable(); // what was trimmed or skipped is gone from the file too
        List<SentMark> interrupted = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : sendingMap().entrySet()) {
            try {
                JsonNode mark = mapper.readTree(entry.getValue());
                interrupted.add(new SentMark(EndpointName.of(mark.get("endpoint").asText()), mark.get("id").asText()));
            } catch (IOException | RuntimeException e) {
                sendingMap().remove(entry.getKey());
                unreadable++;
            }
        }
        if (unreadable > 0) {
            LOG.warnf("command ledger: %d unreadable records skipped", unreadable);
        }
        if (!results.isEmpty() || !interrupted.isEmpty()) {
            LOG.infof("command ledger: %d completed commands remembered, %d were being sent when the gateway "
                    + "stopped", results.size(), interrupted.size());
        }
        return new Loaded(List.copyOf(results.values()), List.copyOf(interrupted));
    }

    private void forgetBeyondRemembered(Map<String, CommandResult> results) {
        Iterator<Map.Entry<String, Long>> oldest = sequence.entrySet().iterator();
        while (sequence.size() > remembered && oldest.hasNext()) {
            Map.Entry<String, Long> entry = oldest.next();
            completedMap().remove(entry.getValue());
            if (results != null) {
                results.remove(entry.getKey());
            }
            oldest.remove();
        }
    }

    @Override
    public synchronized CompletionStage<Void> sending(EndpointName endpoint, String id) {
        try {
            sendingMap().put(key(endpoint, id), mapper.writeValueAsBytes(mapper.createObjectNode()
                    .put("endpoint", endpoint.value()).put("id", id)));
        } catch (IOException | MVStoreException e) {
            return failed(e);
        }
        return durable();
    }

    @Override
    public synchronized CompletionStage<Void> completed(CommandResult result) {
        if (result.endpoint().isEmpty() || result.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String key = key(result.endpoint().get(), result.id().get());
        try {
            byte[] record = mapper.writeValueAsBytes(StoredResults.write(result));
            sendingMap().remove(key);
            Long earlier = sequence.remove(key); // re-inserted last: the order is completion order
            if (earlier != null) {
                completedMap().remove(earlier);
            }
            long seq = next++;
            completedMap().put(seq, record);
            sequence.put(key, seq);
            forgetBeyondRemembered(null);
        } catch (IOException | MVStoreException e) {
            return failed(e);
        }
        return durable();
    }

    /** Completes once durable; a failure is reported, not passed on: a lost record costs at most a repeat. */
    private CompletionStage<Void> durable() {
        return engine.durable().handle((ok, error) -> {
            if (error == null) {
                health.recovered(STORE);
            } else {
                health.failing(STORE, MvStoreEngine.reason(error));
            }
            return null;
        });
    }

    private CompletionStage<Void> failed(Exception e) {
        health.failing(STORE, MvStoreEngine.reason(e));
        return CompletableFuture.completedFuture(null);
    }

    private MVMap<Long, byte[]> completedMap() {
        return engine.map(COMPLETED);
    }

    private MVMap<String, byte[]> sendingMap() {
        return engine.map(SENDING);
    }

    @Override
    public void close() {
        // the engine is closed by its backend, after every store
    }

    private static String key(EndpointName endpoint, String id) {
        return endpoint.value().length() + ":" + endpoint.value() + "/" + id;
    }
}
