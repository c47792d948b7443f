package io.lwm2mgw.state.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child process of {@link EmbeddedStateKillTest}: stores queued commands and registrations without end,
 * printing {@code saved <n>} once the n-th pair is durable, until it is killed.
 */
public final class StateWriterProcess {

    private StateWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedStateBackend state = StateFixtures.open(StateFixtures.config(Path.of(args[0])));
        var registrations = state.registrations();
        var queued = state.queuedCommands();
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        for (int n = 0; ; n++) {
            queued.save(StateFixtures.command("lamp-" + (n % 50), "c-" + n, t0.plusMillis(n)));
            registrations.save(new io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots.Snapshot("r" + n, "ep-" + n,
                    "gw-state", t0, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)));
            System.out.println("saved " + n);
            System.out.flush();
        }
    }
}
