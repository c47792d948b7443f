package io.lwm2mgw.southbound.lwm2m.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher against a directory laid out as Kubernetes mounts a Secret: a link swapped to a new folder. */
class CredentialsFileWatcherTest {

    @TempDir
    Path mount;

    private static String psk(String key) {
        return "{\"devices\": [{\"endpoint\": \"a\", \"psk\": {\"identity\": \"a-id\", \"key\": \"" + key + "\"}}]}";
    }

    /** Writes a new version folder and swaps the {@code ..data} link to it, as the kubelet does. */
    private void publish(String version, String content) throws IOException {
        Path folder = Files.createDirectory(mount.resolve("..v" + version));
        Files.writeString(folder.resolve("credentials.json"), content);
        Path next = mount.resolve("..data_tmp");
        Files.createSymbolicLink(next, folder.getFileName());
        Files.move(next, mount.resolve("..data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Path secretFile() throws IOException {
        Path file = mount.resolve("credentials.json");
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(file, Path.of("..data/credentials.json"));
        }
        return file;
    }

    @Test
    void a_secret_swapped_by_link_is_picked_up_at_the_next_poll() throws IOException {
        publish("1", psk("01"));
        CredentialStore store = new CredentialStore();
        try (CredentialsFileWatcher watcher = CredentialsFileWatcher.start(secretFile(), store, Duration.ofHours(1))) {
            assertThat(store.getByIdentity("a-id").getPreSharedKey()).containsExactly(1);

            publish("2", psk("02"));
            watcher.poll();

            assertThat(store.getByIdentity("a-id").getPreSharedKey()).containsExactly(2);
        }
    }

    @Test
    void an_invalid_new_version_keeps_the_previous_credentials() throws IOException {
        publish("1", psk("01"));
        CredentialStore store = new CredentialStore();
        try (CredentialsFileWatcher watcher = CredentialsFileWatcher.start(secretFile(), store, Duration.ofHours(1))) {
            publish("2", "{\"devices\": [{\"endpoint\": \"a\"}]}");
            watcher.poll();
            watcher.poll();

            assertThat(store.getByIdentity("a-id").getPreSharedKey()).containsExactly(1);

            publish("3", psk("03"));
            watcher.poll();
            assertThat(store.getByIdentity("a-id").getPreSharedKey()).containsExactly(3);
        }
    }

    @Test
    void an_invalid_file_at_start_stops_the_start() throws IOException {
        publish("1", "not json");

        assertThatThrownBy(() -> CredentialsFileWatcher.start(secretFile(), new CredentialStore(), Duration.ofHours(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not JSON");
    }
}
