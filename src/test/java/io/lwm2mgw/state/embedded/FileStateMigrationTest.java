package io.lwm2mgw.state.embedded;

import static io.lwm2mgw.state.embedded.StateFixtures.FORMATS;
import static io.lwm2mgw.state.embedded.StateFixtures.MAPPER;
import static io.lwm2mgw.state.embedded.StateFixtures.command;
import static io.lwm2mgw.state.embedded.StateFixtures.config;
import static io.lwm2mgw.state.embedded.StateFixtures.open;
import static io.lwm2mgw.state.embedded.StateFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.command.FileQueuedCommandStore;
import io.lwm2mgw.command.JournalLedgerStore;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.southbound.lwm2m.security.DeviceCredentials;
import io.lwm2mgw.southbound.lwm2m.security.ProvisionedCredentialsFile;
import io.lwm2mgw.storage.StoreHealth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory as today's file stores leave it (and, for a campaign and a queued command, as the version
 * before them did) is read into the engine at its first start, its files moved aside, and never read again.
 */
class FileStateMigrationTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path root;

    /** What the version before the stored formats wrote for a queued command. */
    private static final String EARLIER_COMMAND = """
            {"receivedAt":"2026-11-30T08:00:00Z",
             "command":{"id":"c-7","endpoint":"lamp-7","op":"read","path":"/3/0/9","timeout":20.0,"ttl":3600.0}}
            """;

    /** What the version before the stored formats wrote for a campaign. */
    private static final String EARLIER_CAMPAIGN = """
            {"spec":{"id":"wave-3","endpoints":["lamp-1","lamp-2"],
                     "image":{"url":"http://images.local/lamp.bin","sha256":"%s"},"method":"push","maxConcurrent":1},
             "state":"RUNNING","devices":{"lamp-1":"SUCCEEDED","lamp-2":"PENDING"}}
            """.formatted("6a9155a3572111bfedd09cf2d8f95e4c110936ca79a01ce04522a5caaaa7c0ef");

    private void writeTodaysDataDirectory() throws Exception {
        Path commands = root.resolve("commands");
        FileQueuedCommandStore queued = new FileQueuedCommandStore(commands, MAPPER);
        queued.save(command("lamp-1", "q-1", T0));
        queued.save(command("lamp-1", "q-2", T0.plusSeconds(1)));
        Files.writeString(commands.resolve("c-7.json"), EARLIER_COMMAND, StandardCharsets.UTF_8);
        JournalLedgerStore journal = new JournalLedgerStore(commands, MAPPER);
        journal.load(100);
        journal.completed(result("lamp-1", "done-1")).toCompletableFuture().join();
        journal.completed(result("lamp-2", "done-2")).toCompletableFuture().join();
        journal.sending(EndpointName.of("lamp-3"), "in-flight").toCompletableFuture().join();
        journal.close();
        Files.createDirectories(root.resolve("campaigns"));
        Files.writeString(root.resolve("campaigns/wave-3.json"), EARLIER_CAMPAIGN, StandardCharsets.UTF_8);
        new ProvisionedCredentialsFile(root.resolve("credentials"))
                .put(DeviceCredentials.psk("lamp-9", "psk-9", new byte[] {9, 9}));
    }

    @Test
    void a_data_directory_of_todays_file_stores_is_read_once_and_moved_aside() throws Exception {
        writeTodaysDataDirectory();
        GatewayConfig config = config(root);

        try (EmbeddedStateBackend state = open(config)) {
            assertThat(state.queuedCommands().loadAll()).extracting(c -> c.id()).containsExactly("c-7", "q-1", "q-2");
            LedgerStore.Loaded ledger = state.ledger().load(100);
            assertThat(ledger.completed()).extracting(r -> r.id().orElseThrow()).containsExactly("done-1", "done-2");
            assertThat(ledger.interrupted()).containsExactly(
                    new LedgerStore.SentMark(EndpointName.of("lamp-3"), "in-flight"));
            assertThat(state.campaigns().loadAll()).singleElement().satisfies(c -> {
                assertThat(c.spec().id()).isEqualTo("wave-3");
                assertThat(c.state()).isEqualTo(CampaignStatus.State.RUNNING);
                assertThat(c.devices()).containsEntry(EndpointName.of("lamp-1"), CampaignStatus.DeviceState.SUCCEEDED);
            });
            assertThat(state.credentials().load()).containsOnlyKeys("lamp-9");
            // a command that ends after the migration is gone for good
            state.queuedCommands().remove(command("lamp-1", "q-1", T0));
        }

        assertThat(root.resolve("commands/ledger.jsonl")).doesNotExist();
        assertThat(root.resolve("commands/migrated/ledger.jsonl")).isRegularFile();
        try (var files = Files.list(root.resolve("campaigns/migrated"))) {
            assertThat(files).as("the campaign, as the file store had rewritten it under its own name").hasSize(1);
        }
        assertThat(root.resolve("credentials/migrated/provisioned.json")).isRegularFile();
        try (var files = Files.list(root.resolve("commands"))) {
            assertThat(files.filter(Files::isRegularFile)).as("nothing left to read again").isEmpty();
        }

        try (EmbeddedStateBackend state = open(config)) {
            assertThat(state.queuedCommands().loadAll()).as("read from the engine, not from the files again")
                    .extracting(c -> c.id()).containsExactly("c-7", "q-2");
        }
    }

    @Test
    void files_that_appear_after_the_migration_are_moved_aside_but_not_imported() throws Exception {
        GatewayConfig config = config(root);
        open(config).close();
        new FileQueuedCommandStore(root.resolve("commands"), MAPPER, new StoreHealth(), Duration.ofSeconds(1),
                Duration.ofSeconds(5), FORMATS).save(command("lamp-1", "stray", T0));

        try (EmbeddedStateBackend state = open(config)) {
            assertThat(state.queuedCommands().loadAll()).isEmpty();
        }
        try (var files = Files.list(root.resolve("commands/migrated"))) {
            assertThat(files).hasSize(1);
        }
    }
}
