package io.lwm2mgw.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.storage.StoreHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileQueuedCommandStoreTest {

    @TempDir
    Path directory;

    private static CommandRequest read(String endpoint, String id) {
        return RouterFixture.readAt(endpoint, id, Optional.empty(), Instant.parse("2026-01-01T00:00:00Z"));
    }

    private FileQueuedCommandStore store() {
        return new FileQueuedCommandStore(directory, new ObjectMapper());
    }

    @Test
    void two_devices_commands_with_the_same_id_are_kept_apart() {
        FileQueuedCommandStore store = store();
        CommandRequest a = read("dev-a", "c-1");
        CommandRequest b = read("dev-b", "c-1");
        store.save(a);
        store.save(b);

        assertThat(store.loadAll()).containsExactlyInAnyOrder(a, b);

        store.remove(a);

        assertThat(store().loadAll()).containsExactly(b);
    }

    @Test
    void file_names_differ_when_endpoint_and_id_split_differently() {
        assertThat(FileQueuedCommandStore.file(read("ab", "c")))
                .isNotEqualTo(FileQueuedCommandStore.file(read("a", "bc")));
    }

    @Test
    void a_file_named_by_an_older_version_is_renamed_so_that_it_can_be_removed() throws IOException {
        FileQueuedCommandStore store = store();
        CommandRequest a = read("dev-a", "c-1");
        store.save(a);
        Path saved;
        try (Stream<Path> files = Files.list(directory)) {
            saved = files.findFirst().orElseThrow();
        }
        Files.move(saved, directory.resolve("0123456789abcdef0123456789abcdef.json"));

        assertThat(store.loadAll()).containsExactly(a);
        store.remove(a);

        assertThat(store.loadAll()).isEmpty();
    }

    @Test
    void a_save_the_disk_refuses_is_reported_and_a_refused_removal_is_retried_until_done() throws IOException {
        StoreHealth health = new StoreHealth();
        FileQueuedCommandStore store = new FileQueuedCommandStore(directory, new ObjectMapper(), health,
                Duration.ofMillis(20), Duration.ofMillis(100), io.lwm2mgw.storage.EarlierFormats.NONE);
        CommandRequest a = read("dev-a", "c-1");
        // a folder in the way of the command's file: the rename fails as on a broken volume
        Path inTheWay = Files.createDirectories(directory.resolve(FileQueuedCommandStore.file(a)).resolve("x"));

        assertThatThrownBy(() -> store.save(a)).isInstanceOf(java.io.UncheckedIOException.class);
        assertThat(health.failures()).containsKey("queued-commands");
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).noneMatch(f -> f.toString().endsWith(".tmp"));
        }

        Files.delete(inTheWay);
        Files.delete(inTheWay.getParent());
        store.save(a);
        assertThat(health.failures()).isEmpty();

        Path saved = directory.resolve(FileQueuedCommandStore.file(a));
        Files.delete(saved);
        Files.createDirectories(saved.resolve("x")); // the removal fails now
        store.remove(a);
        assertThat(store.unremoved()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> health.failures().containsKey("queued-commands-removals"));

        Files.delete(saved.resolve("x"));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.unremoved() == 0);
        assertThat(Files.exists(saved)).isFalse();
        assertThat(health.failures()).isEmpty();
    }
}
