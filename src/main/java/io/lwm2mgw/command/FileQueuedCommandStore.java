package io.lwm2mgw.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.storage.AtomicFile;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoreHealth;
import io.lwm2mgw.storage.StoredCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The embedded queued-command store: one small JSON file per command in a folder (a volume on
 * Kubernetes), replaced through {@link AtomicFile}, so a crash leaves either the whole command or none of it.
 */
public final class FileQueuedCommandStore implements QueuedCommandStore {

    private static final Logger LOG = Logger.getLogger(FileQueuedCommandStore.class);

    /** The name under which this store reports a failing disk in {@link StoreHealth}. */
    static final String STORE = "queued-commands";

    private final Path directory;
    private final ObjectMapper mapper;
    private final StoreHealth health;
    private final RetriedWrites removals;
    private final EarlierFormats earlier;

    /** A store without retried removals or health reports, never written by an earlier version (tests). */
    public FileQueuedCommandStore(Path directory, ObjectMapper mapper) {
        this(directory, mapper, new StoreHealth(), Duration.ofSeconds(1), Duration.ofSeconds(30), EarlierFormats.NONE);
    }

    /**
     * A failed save is reported in {@code health} and thrown (the command is refused, the caller redelivers);
     * a failed removal is retried from {@code firstDelay} up to {@code maxDelay} apart, so that a command that
     * ended is not executed again after a restart.
     */
    public FileQueuedCommandStore(Path directory, ObjectMapper mapper, StoreHealth health, Duration firstDelay,
            Duration maxDelay, EarlierFormats earlier) {
        this.earlier = earlier;
        this.directory = directory;
        this.mapper = mapper;
        this.health = health;
        this.removals = new RetriedWrites(STORE + "-removals", health, firstDelay, maxDelay);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("gateway.commands.store-directory: cannot create " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void save(CommandRequest request) {
        ObjectNode record = StoredCommands.write(request);
        try {
            AtomicFile.write(directory.resolve(file(request)), mapper.writeValueAsBytes(record));
            health.recovered(STORE);
        } catch (IOException e) {
            health.failing(STORE, AtomicFile.reason(e));
            throw new UncheckedIOException("cannot store queued command " + request.id() + ": " + AtomicFile.reason(e), e);
        }
    }

    @Override
    public void remove(CommandRequest request) {
        Path file = directory.resolve(file(request));
        try {
            AtomicFile.delete(file);
        } catch (IOException e) {
            // left on disk, the command would run again after a restart: retried until the disk allows it
            removals.submit(file.getFileName().toString(), () -> AtomicFile.delete(file));
        }
    }

    /** Removals not yet done (a failing disk keeps them, retried). */
    int unremoved() {
        return removals.pending();
    }

    @Override
    public List<CommandRequest> loadAll() {
        List<CommandRequest> requests = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                try {
                    CommandRequest request = read(file);
                    Path named = directory.resolve(file(request));
                    if (!named.equals(file)) {
                        // written by a version that named files by id alone: rename, so remove() finds it
                        AtomicFile.moveIntoPlace(file, named);
                    }
                    requests.add(request);
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("skipping unreadable stored command %s: %s", file.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stored commands in " + directory, e);
        }
        requests.sort(Comparator.comparing(CommandRequest::receivedAt));
        return requests;
    }

    private CommandRequest read(Path file) throws IOException {
        JsonNode doc = mapper.readTree(Files.readAllBytes(file));
        if (EarlierFormats.versioned(doc)) {
            return StoredCommands.read(doc);
        }
        // written by an earlier version, in the command document of its time: read it once, store it anew
        CommandRequest request = earlier.command(doc);
        AtomicFile.write(file, mapper.writeValueAsBytes(StoredCommands.write(request)));
        LOG.infof("queued command %s for %s read in an earlier version's format and stored anew", request.id(),
                request.endpoint());
        return request;
    }

    /**
     * A file name for a command, from its endpoint and id (two devices' commands may share an id); both are
     * arbitrary strings, so they are hashed, the endpoint length-prefixed so that no two pairs collide.
     */
    static String file(CommandRequest request) {
        String endpoint = request.endpoint().value();
        String identity = endpoint.length() + ":" + endpoint + "/" + request.id();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16) + ".json";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
