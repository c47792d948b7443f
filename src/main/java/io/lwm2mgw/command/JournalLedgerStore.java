package io.lwm2mgw.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.storage.Journal;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredResults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * The embedded ledger store: one journal file ({@code ledger.jsonl} in the command store's folder), a line per
 * record ({@code {"sending":{...}}} or {@code {"completed":{...}}}), group-committed with one fsync per burst.
 * At start it is read once and rewritten with only what is still worth keeping; while running, it is rewritten
 * the same way whenever it has grown by {@code max(1024, 2 × remembered)} records, so that it stays bounded
 * however long the gateway runs. A journal that cannot be written is reported as the failing store
 * {@code ledger} (readiness DOWN) until a write succeeds again.
 */
public final class JournalLedgerStore implements LedgerStore {

    private static final Logger LOG = Logger.getLogger(JournalLedgerStore.class);

    /** The name under which a failing journal is reported in {@link StoreHealth}. */
    static final String STORE = "ledger";

    private final Path file;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    private Journal journal;

    /** What the journal would hold if rewritten now: completed (oldest first, at most remembered) and sending. */
    private final LinkedHashMap<String, String> completedLines = new LinkedHashMap<>();
    private final LinkedHashMap<String, String> sendingLines = new LinkedHashMap<>();
    private int remembered;
    private int compactAfter;
    private int appendedSinceCompaction;

    /** A store whose failures are reported nowhere (tests). */
    public JournalLedgerStore(Path directory, ObjectMapper mapper) {
        this(directory, mapper, new StoreHealth());
    }

    public JournalLedgerStore(Path directory, ObjectMapper mapper, StoreHealth health) {
        this.file = directory.resolve("ledger.jsonl");
        this.mapper = mapper;
        this.health = health;
    }

    @Override
    public Loaded load(int remembered) {
        Map<String, CommandResult> completed = new LinkedHashMap<>();
        Map<String, SentMark> sending = new LinkedHashMap<>();
        int unreadable = 0;
        for (String line : Journal.read(file)) {
            try {
                JsonNode record = mapper.readTree(line);
                if (record.has("sending")) {
                    JsonNode s = record.get("sending");
                    SentMark mark = new SentMark(EndpointName.of(s.get("endpoint").asText()), s.get("id").asText());
                    sending.put(key(mark.endpoint(), mark.id()), mark);
                } else {
                    CommandResult result = StoredResults.read(record.get("completed"));
                    String key = key(result.endpoint().orElseThrow(), result.id().orElseThrow());
                    sending.remove(key);
                    completed.remove(key); // re-inserted last: the order is completion order
                    completed.put(key, result);
                }
            } catch (JsonProcessingException | RuntimeException e) {
                unreadable++;
            }
        }
        if (unreadable > 0) {
            LOG.warnf("command ledger %s: %d unreadable records skipped", file, unreadable);
        }
        List<CommandResult> kept = new ArrayList<>(completed.values());
        if (kept.size() > remembered) {
            kept = new ArrayList<>(kept.subList(kept.size() - remembered, kept.size()));
        }
        synchronized (this) {
            this.remembered = remembered;
            this.compactAfter = Math.max(1024, 2 * remembered);
            kept.forEach(r -> completedLines.put(key(r.endpoint().orElseThrow(), r.id().orElseThrow()),
                    completedLine(r)));
            sending.values().forEach(m -> sendingLines.put(key(m.endpoint(), m.id()), sendingLine(m.endpoint(),
                    m.id())));
            journal = Journal.open(file, live());
        }
        if (!kept.isEmpty() || !sending.isEmpty()) {
            LOG.infof("command ledger: %d completed commands remembered, %d were being sent when the gateway "
                    + "stopped", kept.size(), sending.size());
        }
        return new Loaded(List.copyOf(kept), List.copyOf(sending.values()));
    }

    @Override
    public synchronized CompletionStage<Void> sending(EndpointName endpoint, String id) {
        String line = sendingLine(endpoint, id);
        sendingLines.put(key(endpoint, id), line);
        return append(line);
    }

    @Override
    public synchronized CompletionStage<Void> completed(CommandResult result) {
        if (result.endpoint().isEmpty() || result.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String key = key(result.endpoint().get(), result.id().get());
        String line = completedLine(result);
        sendingLines.remove(key);
        completedLines.remove(key); // re-inserted last: the order is completion order
        completedLines.put(key, line);
        if (completedLines.size() > remembered) {
            completedLines.remove(completedLines.keySet().iterator().next());
        }
        return append(line);
    }

    /** Called holding the lock, so that the journal's order is the order of the records kept here. */
    private CompletionStage<Void> append(String line) {
        CompletionStage<Void> written = journal.append(line).handle((ok, error) -> {
            if (error == null) {
                health.recovered(STORE);
            } else {
                // logged by the journal; the command goes on: a lost record costs at most a repeat after a crash
                health.failing(STORE, error.getMessage());
            }
            return null;
        });
        if (++appendedSinceCompaction >= compactAfter) {
            appendedSinceCompaction = 0;
            journal.compact(live());
        }
        return written;
    }

    /** The records worth keeping, as the journal would be rewritten now. */
    private List<String> live() {
        List<String> lines = new ArrayList<>(completedLines.size() + sendingLines.size());
        lines.addAll(completedLines.values());
        lines.addAll(sendingLines.values());
        return lines;
    }

    /** Records appended since the journal was last rewritten (tests). */
    synchronized int appendedSinceCompaction() {
        return appendedSinceCompaction;
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private String sendingLine(EndpointName endpoint, String id) {
        ObjectNode record = mapper.createObjectNode();
        record.putObject("sending").put("endpoint", endpoint.value()).put("id", id);
        return record.toString();
    }

    private String completedLine(CommandResult result) {
        ObjectNode record = mapper.createObjectNode();
        record.set("completed", StoredResults.write(result));
        return record.toString();
    }

    private static String key(EndpointName endpoint, String id) {
        return endpoint.value().length() + ":" + endpoint.value() + "/" + id;
    }
}
