package io.lwm2mgw.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.storage.Journal;
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
 * At start it is read once and rewritten with only what is still worth keeping.
 */
public final class JournalLedgerStore implements LedgerStore {

    private static final Logger LOG = Logger.getLogger(JournalLedgerStore.class);

    private final Path file;
    private final ObjectMapper mapper;
    private Journal journal;

    public JournalLedgerStore(Path directory, ObjectMapper mapper) {
        this.file = directory.resolve("ledger.jsonl");
        this.mapper = mapper;
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
        List<String> lines = new ArrayList<>();
        kept.forEach(r -> lines.add(completedLine(r)));
        sending.values().forEach(m -> lines.add(sendingLine(m.endpoint(), m.id())));
        journal = Journal.open(file, lines);
        if (!kept.isEmpty() || !sending.isEmpty()) {
            LOG.infof("command ledger: %d completed commands remembered, %d were being sent when the gateway "
                    + "stopped", kept.size(), sending.size());
        }
        return new Loaded(List.copyOf(kept), List.copyOf(sending.values()));
    }

    @Override
    public CompletionStage<Void> sending(EndpointName endpoint, String id) {
        return append(sendingLine(endpoint, id));
    }

    @Override
    public CompletionStage<Void> completed(CommandResult result) {
        if (result.endpoint().isEmpty() || result.id().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return append(completedLine(result));
    }

    private CompletionStage<Void> append(String line) {
        return journal.append(line).exceptionally(error -> {
            // logged by the journal; the command goes on: a lost record costs at most a repeat after a crash
            return null;
        });
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
