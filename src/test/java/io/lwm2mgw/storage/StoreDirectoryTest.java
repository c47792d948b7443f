package io.lwm2mgw.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store folder is checked, cleaned and locked at start, as an operator's mistakes would find it. */
class StoreDirectoryTest {

    @TempDir
    Path folder;

    @Test
    void a_folder_that_cannot_be_created_is_refused_with_one_sentence() throws Exception {
        Path blocker = Files.writeString(folder.resolve("data"), "a file where the volume should be");

        assertThatThrownBy(() -> StoreDirectory.open(blocker.resolve("registrations")))
                .isInstanceOf(StoreDirectory.Unusable.class)
                .hasMessageContaining("cannot be created")
                .hasMessageContaining(blocker.resolve("registrations").toString())
                .satisfies(e -> assertThat(e.getStackTrace()).as("no stack trace for an expected failure").isEmpty());
    }

    @Test
    void leftovers_of_an_interrupted_write_are_removed_and_snapshots_kept() throws Exception {
        Files.writeString(folder.resolve("reg-1.json.tmp"), "{\"half");
        Files.writeString(folder.resolve("reg-2.json"), "{}");

        try (StoreDirectory directory = StoreDirectory.open(folder)) {
            assertThat(directory.leftoversRemoved()).isEqualTo(1);
        }
        assertThat(Files.exists(folder.resolve("reg-1.json.tmp"))).isFalse();
        assertThat(Files.exists(folder.resolve("reg-2.json"))).isTrue();
    }

    @Test
    void a_second_process_on_the_same_folder_is_refused_until_the_first_one_ends() throws Exception {
        Process first = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), LockHolder.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> StoreDirectory.open(folder)).isInstanceOf(StoreDirectory.Unusable.class)
                    .hasMessageContaining("in use by another gateway process");
        } finally {
            first.destroyForcibly(); // as kill -9: the OS releases the lock
            first.waitFor(10, TimeUnit.SECONDS);
        }
        try (StoreDirectory directory = StoreDirectory.open(folder)) {
            assertThat(directory.path()).isEqualTo(folder.toAbsolutePath().normalize());
        }
    }

    @Test
    void the_same_folder_opened_twice_in_one_process_is_refused_too() throws Exception {
        try (StoreDirectory first = StoreDirectory.open(folder)) {
            assertThatThrownBy(() -> StoreDirectory.open(folder)).isInstanceOf(StoreDirectory.Unusable.class);
        }
        StoreDirectory.open(folder).close();
    }

    @Test
    void a_write_replaces_the_whole_file_and_leaves_no_temporary_file() throws Exception {
        Path target = folder.resolve("a.json");
        AtomicFile.write(target, "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(target, "{\"v\":2}".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(target)).isEqualTo("{\"v\":2}");
        try (var files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).isEqualTo(List.of("a.json"));
        }
    }

    @Test
    void a_write_that_fails_removes_its_temporary_file() throws Exception {
        Path target = Files.createDirectory(folder.resolve("a.json")); // a rename over a folder fails
        Files.writeString(target.resolve("inside"), "x");

        assertThatThrownBy(() -> AtomicFile.write(target, new byte[] {1})).isInstanceOf(java.io.IOException.class);
        assertThat(Files.exists(folder.resolve("a.json.tmp"))).isFalse();
    }

    /** The first gateway process: holds the folder's lock until it is killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            StoreDirectory directory = StoreDirectory.open(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            System.in.read(); // blocks until the test kills this process
            directory.close();
        }
    }
}
