package io.lwm2mgw.state.embedded;

import static io.lwm2mgw.state.embedded.StateFixtures.command;
import static io.lwm2mgw.state.embedded.StateFixtures.config;
import static io.lwm2mgw.state.embedded.StateFixtures.open;
import static io.lwm2mgw.state.embedded.StateFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.DeviceCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of state in the embedded engine outlives the backend, and what was committed outlives a crash. */
class EmbeddedStateBackendTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    Path root;

    private static RegistrationSnapshots.Snapshot snapshot(String id, String content) {
        return new RegistrationSnapshots.Snapshot(id, "ep-" + id, "gw-state", T0.plusSeconds(300),
                content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void every_kind_of_state_is_read_back_after_the_backend_is_reopened() throws Exception {
        GatewayConfig config = config(root);
        try (EmbeddedStateBackend state = open(config)) {
            RegistrationSnapshots registrations = state.registrations();
            registrations.save(snapshot("r1", "{\"one\":1}"));
            registrations.save(snapshot("r2", "{\"two\":2}"));
            registrations.delete("r2");
            state.queuedCommands().save(command("lamp-1", "late", T0.plusSeconds(2)));
            state.queuedCommands().save(command("lamp-1", "early", T0));
            state.queuedCommands().save(command("lamp-2", "early", T0.plusSeconds(1)));
            state.queuedCommands().remove(command("lamp-2", "early", T0.plusSeconds(1)));
            state.credentials().put(DeviceCredentials.psk("lamp-1", "id-1", new byte[] {1, 2, 3}));
            state.credentials().put(DeviceCredentials.psk("lamp-2", "id-2", new byte[] {4}));
            state.credentials().remove("lamp-2");
        }

        try (EmbeddedStateBackend state = open(config)) {
            assertThat(state.registrations().loadAll()).containsOnlyKeys("r1");
            assertThat(new String(state.registrations().loadAll().get("r1"), StandardCharsets.UTF_8))
                    .isEqualTo("{\"one\":1}");
            assertThat(state.queuedCommands().loadAll()).as("oldest first, the removed one gone")
                    .extracting(c -> c.endpoint().value() + "/" + c.id()).containsExactly("lamp-1/early", "lamp-1/late");
            assertThat(state.credentials().load()).containsOnlyKeys("lamp-1");
            assertThat(state.credentials().load().get("lamp-1").sameAs(
                    DeviceCredentials.psk("lamp-1", "id-1", new byte[] {1, 2, 3}))).isTrue();
        }
    }

    @Test
    void the_ledger_keeps_the_newest_results_in_completion_order_and_the_marks_still_sending() {
        GatewayConfig config = config(root);
        EndpointName lamp = EndpointName.of("lamp-1");
        try (EmbeddedStateBackend state = open(config)) {
            LedgerStore ledger = state.ledger();
            ledger.load(3);
            CompletableFuture.allOf(
                    ledger.sending(lamp, "in-flight").toCompletableFuture(),
                    ledger.completed(result("lamp-1", "c-1")).toCompletableFuture(),
                    ledger.completed(result("lamp-1", "c-2")).toCompletableFuture(),
                    ledger.sending(lamp, "c-3").toCompletableFuture(),
                    ledger.completed(result("lamp-1", "c-3")).toCompletableFuture(),
                    ledger.completed(result("lamp-1", "c-1")).toCompletableFuture(),
                    ledger.completed(result("lamp-1", "c-4")).toCompletableFuture()).join();
        }

        try (EmbeddedStateBackend state = open(config)) {
            LedgerStore.Loaded loaded = state.ledger().load(3);
            assertThat(loaded.completed()).as("c-2 forgotten, c-1 completed again after c-3")
                    .extracting(r -> r.id().orElseThrow()).containsExactly("c-3", "c-1", "c-4");
            assertThat(loaded.interrupted()).containsExactly(new LedgerStore.SentMark(lamp, "in-flight"));
        }
    }

    @Test
    void what_was_committed_before_an_abrupt_close_is_there_after_it() throws Exception {
        GatewayConfig config = config(root);
        EmbeddedStateBackend crashed = open(config);
        for (int i = 0; i < 200; i++) {
            crashed.registrations().save(snapshot("r" + i, "{\"n\":" + i + "}"));
        }
        crashed.queuedCommands().save(command("lamp-1", "queued", T0));
        crashed.engine().abandon(); // no close, no final commit: the file is left as a killed process leaves it

        try (EmbeddedStateBackend state = open(config)) {
            assertThat(state.registrations().loadAll()).hasSize(200);
            assertThat(state.queuedCommands().loadAll()).extracting(c -> c.id()).containsExactly("queued");
        }
    }

    @Test
    void a_second_backend_on_the_same_folder_is_refused_with_the_key_to_look_at() {
        GatewayConfig config = config(root);
        try (EmbeddedStateBackend first = open(config)) {
            assertThatThrownBy(() -> open(config)).hasMessageStartingWith("gateway.state.directory: cannot open "
                    + root.resolve("registrations/state/state.mv.db"));
        }
    }

    @Test
    void the_engine_lives_in_its_own_file_inside_the_registrations_folder_unless_told_otherwise() throws Exception {
        try (EmbeddedStateBackend state = open(config(root))) {
            state.registrations().save(snapshot("r1", "{}"));
        }
        assertThat(root.resolve("registrations/state/state.mv.db")).isRegularFile();

        Path elsewhere = root.resolve("volume/state");
        try (EmbeddedStateBackend state = open(config(root, "gateway.state.directory", elsewhere.toString()))) {
            state.registrations().save(snapshot("r1", "{}"));
        }
        assertThat(elsewhere.resolve("state.mv.db")).isRegularFile();
        assertThat(Files.list(root.resolve("registrations")).map(p -> p.getFileName().toString()))
                .doesNotContain("r1.json");
    }
}
