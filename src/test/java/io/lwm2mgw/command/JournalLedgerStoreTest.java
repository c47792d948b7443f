package io.lwm2mgw.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.storage.StoreHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command ledger's journal stays bounded while the gateway runs, and keeps what a restart needs. */
class JournalLedgerStoreTest {

    private static final EndpointName LAMP = EndpointName.of("lamp-1");

    @TempDir
    Path folder;

    private static CommandResult result(String id) {
        CommandRequest request = new CommandRequest(id, LAMP, new DeviceCommand.ReadResource(
                Lwm2mPath.parse("/3/0/9"), Optional.empty()), Duration.ofSeconds(5), Duration.ofHours(1),
                Instant.parse("2026-12-03T10:00:00Z"), Optional.empty(), false);
        return CommandResult.of(request, Instant.parse("2026-12-03T10:00:01Z"), CommandStatus.TIMEOUT, "silent");
    }

    private long lines() throws Exception {
        return Files.readAllLines(folder.resolve("ledger.jsonl")).size();
    }

    @Test
    void a_long_run_of_completions_is_compacted_on_the_way_and_a_restart_finds_the_newest_and_the_sending()
            throws Exception {
        JournalLedgerStore store = new JournalLedgerStore(folder, new ObjectMapper());
        store.load(10);
        store.sending(LAMP, "in-flight").toCompletableFuture().join();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            written.add(store.sending(LAMP, "c-" + i).toCompletableFuture());
            written.add(store.completed(result("c-" + i)).toCompletableFuture());
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();

        assertThat(lines()).as("6,001 records appended, the journal rewritten every 1,024")
                .isLessThanOrEqualTo(1024 + 11);
        store.close();
        LedgerStore.Loaded loaded = new JournalLedgerStore(folder, new ObjectMapper()).load(10);
        assertThat(loaded.completed()).extracting(r -> r.id().orElseThrow())
                .containsExactly("c-2990", "c-2991", "c-2992", "c-2993", "c-2994", "c-2995", "c-2996", "c-2997",
                        "c-2998", "c-2999");
        assertThat(loaded.interrupted()).containsExactly(new LedgerStore.SentMark(LAMP, "in-flight"));
    }

    @Test
    void a_journal_that_cannot_be_written_is_reported_until_a_write_succeeds() throws Exception {
        StoreHealth health = new StoreHealth();
        JournalLedgerStore store = new JournalLedgerStore(folder, new ObjectMapper(), health);
        store.load(10);
        store.close(); // a closed journal refuses every append, as a broken disk would

        store.completed(result("c-1")).toCompletableFuture().join();

        assertThat(health.failures()).containsKey(JournalLedgerStore.STORE);
    }
}
