package io.lwm2mgw.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.southbound.lwm2m.FileRegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.state.embedded.EmbeddedStateBackend;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The registration storm on the candidate state engines ({@code scripts/bench-state}): N registrations, each a
 * snapshot with one observation (the size of a real one), stored one by one with a durable commit each (fsync),
 * then read back as at a restart. Candidates: today's file per registration, H2 MVStore through the embedded
 * backend (one writer, as the registration store writes, and several writers, whose commits group), SQLite
 * (WAL, synchronous=FULL, one transaction per registration). Prints one line per candidate.
 */
public final class StateEngineStorm {

    /** A real snapshot (one registration, one observation) is about 1.1 KB; this pads a template to it. */
    private static final int SNAPSHOT_BYTES = 1100;

    interface Candidate {
        void save(String id, byte[] snapshot) throws Exception;

        int loadAll() throws Exception;

        void close() throws Exception;
    }

    private StateEngineStorm() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path root = Path.of(args.length > 1 ? args[1] : "target/bench/state-storm");
        List<String> only = args.length > 2 ? Arrays.asList(args[2].split(",")) : List.of("files", "mvstore",
                "mvstore-4-writers", "sqlite");
        deleteTree(root);
        System.out.printf(Locale.ROOT, "%d registrations of %d bytes, one durable commit each, in %s%n", devices,
                SNAPSHOT_BYTES, root.toAbsolutePath());
        for (String name : only) {
            Path folder = root.resolve(name);
            int writers = name.endsWith("-4-writers") ? 4 : 1;
            run(name, writers, devices, folder, () -> open(name, folder));
        }
    }

    interface Opener {
        Candidate open() throws Exception;
    }

    private static Candidate open(String name, Path folder) throws Exception {
        if (name.startsWith("files")) {
            FileRegistrationSnapshots files = new FileRegistrationSnapshots(folder);
            return new Candidate() {
                public void save(String id, byte[] s) throws IOException {
                    files.save(snapshot(id, s));
                }

                public int loadAll() throws IOException {
                    return files.loadAll().size();
                }

                public void close() {
                }
            };
        }
        if (name.startsWith("mvstore")) {
            EmbeddedStateBackend backend = new EmbeddedStateBackend(config(folder), new ObjectMapper(),
                    new StoreHealth(), EarlierFormats.NONE);
            RegistrationSnapshots snapshots = backend.registrations();
            return new Candidate() {
                public void save(String id, byte[] s) throws IOException {
                    snapshots.save(snapshot(id, s));
                }

                public int loadAll() throws IOException {
                    return snapshots.loadAll().size();
                }

                public void close() {
                    backend.close();
                }
            };
        }
        Files.createDirectories(folder);
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("state.sqlite"));
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("CREATE TABLE IF NOT EXISTS registrations (id TEXT PRIMARY KEY, snapshot BLOB NOT NULL)");
        }
        PreparedStatement put = db.prepareStatement("INSERT OR REPLACE INTO registrations VALUES (?, ?)");
        return new Candidate() {
            public synchronized void save(String id, byte[] s) throws Exception {
                put.setString(1, id);
                put.setBytes(2, s);
                put.executeUpdate(); // auto-commit: one transaction, fsync'd, per registration
            }

            public int loadAll() throws Exception {
                int n = 0;
                try (Statement s = db.createStatement(); ResultSet rows = s.executeQuery(
                        "SELECT id, snapshot FROM registrations")) {
                    while (rows.next()) {
                        rows.getBytes(2);
                        n++;
                    }
                }
                return n;
            }

            public void close() throws Exception {
                put.close();
                db.close();
            }
        };
    }

    private static void run(String name, int writers, int devices, Path folder, Opener opener) throws Exception {
        Candidate candidate = opener.open();
        long[] latencies = new long[devices];
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int first = w;
            done.add(pool.submit(() -> {
                for (int i = first; i < devices; i += writers) {
                    long t = System.nanoTime();
                    candidate.save("reg" + i, content(i));
                    latencies[i] = System.nanoTime() - t;
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        candidate.close();
        long bytes = size(folder);

        long loadStart = System.nanoTime();
        Candidate reopened = opener.open();
        int loaded = reopened.loadAll();
        double loadMs = (System.nanoTime() - loadStart) / 1e6;
        reopened.close();
        if (loaded != devices) {
            throw new IllegalStateException(name + ": " + loaded + " read back of " + devices);
        }
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "%-18s %8.0f registrations/s  save p50 %6.2f ms  p99 %6.2f ms  on disk %6.1f MB"
                + "  reopen+read all %6.0f ms%n", name, devices / seconds, latencies[devices / 2] / 1e6,
                latencies[(int) (devices * 0.99)] / 1e6, bytes / 1e6, loadMs);
    }

    private static RegistrationSnapshots.Snapshot snapshot(String id, byte[] content) {
        return new RegistrationSnapshots.Snapshot(id, "ep-" + id, "bench", Instant.now().plusSeconds(300), content);
    }

    private static byte[] content(int i) {
        StringBuilder json = new StringBuilder("{\"format\":1,\"owner\":\"bench\",\"registration\":{\"id\":\"reg")
                .append(i).append("\",\"endpoint\":\"sim-").append(i).append("\"},\"observations\":[{\"token\":\"")
                .append(Integer.toHexString(i * 7919)).append("\",\"path\":\"/3303/0/5700\",\"pad\":\"");
        while (json.length() < SNAPSHOT_BYTES - 4) {
            json.append((char) ('a' + (json.length() * 31 + i) % 26));
        }
        return json.append("\"}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static GatewayConfig config(Path folder) {
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("gateway.id", "bench",
                        "gateway.state.directory", folder.toString(),
                        "gateway.lwm2m.state-directory", folder.resolve("none/registrations").toString(),
                        "gateway.commands.store-directory", folder.resolve("none/commands").toString(),
                        "gateway.firmware.campaign-directory", folder.resolve("none/campaigns").toString()),
                        "bench", 500))
                .build().getConfigMapping(GatewayConfig.class);
    }

    private static long size(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
