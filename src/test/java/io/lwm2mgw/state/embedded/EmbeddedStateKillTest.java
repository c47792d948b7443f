package io.lwm2mgw.state.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a stream of writes: every command and registration the writing process had been
 * told was durable is there when the engine is opened again, and the file opens without repair.
 */
class EmbeddedStateKillTest {

    @TempDir
    Path root;

    @Test
    void what_a_killed_process_had_committed_survives_the_kill() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process writer = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StateWriterProcess.class.getName(), root.toString()).redirectErrorStream(true).start();
        AtomicInteger lastSaved = new AtomicInteger(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("saved ")) {
                        lastSaved.set(Integer.parseInt(line.substring(6)));
                    }
                }
            } catch (Exception e) {
                // the process was killed: its output ends here
            }
        });
        reader.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> lastSaved.get() >= 300 || !writer.isAlive());
        assertThat(writer.isAlive()).as("the writer is still writing").isTrue();
        writer.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final commit
        assertThat(writer.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        int durable = lastSaved.get();

        try (EmbeddedStateBackend state = StateFixtures.open(StateFixtures.config(root))) {
            var ids = state.queuedCommands().loadAll().stream().map(c -> c.id()).toList();
            var registrations = state.registrations().loadAll();
            for (int n = 0; n <= durable; n++) {
                assertThat(ids).as("command c-%d was durable before the kill", n).contains("c-" + n);
                assertThat(registrations).as("registration r%d was durable before the kill", n).containsKey("r" + n);
            }
        }
    }
}
