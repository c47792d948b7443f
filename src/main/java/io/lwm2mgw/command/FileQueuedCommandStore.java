package io.lwm2mgw.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.storage.StoredCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The embedded queued-command store: one small JSON file per command in a folder (a volume on
 * Kubernetes), written to a temporary file, forced to disk and renamed into place, so a crash leaves either
 * the whole command or none of it.
 */
public final class FileQueuedCommandStore implements QueuedCommandStore {

    private static final Logger LOG = Logger.getLogger(FileQueuedCommandStore.class);

    private final Path directory;
    private final ObjectMapper mapper;

    public FileQueuedCommandStore(Path directory, ObjectMapper mapper) {
        this.directory = directory;
        this.mapper = mapper;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("gateway.commands.store-directory: cannot create " + directory, e);
        }
    }

    @Override
    public void save(CommandRequest request) {
        ObjectNode record = StoredCommands.write(request);
        try {
            Path tmp = directory.resolve(file(request) + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(mapper.writeValueAsBytes(record)));
                channel.force(true);
            }
            Files.move(tmp, directory.resolve(file(request)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store queued command " + request.id(), e);
        }
    }

    @Override
    public void remove(CommandRequest request) {
        try {
            Files.deleteIfExists(directory.resolve(file(request)));
        } catch (IOException e) {
            LOG.warnf("cannot remove stored command %s: %s", request.id(), e.getMessage());
        }
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
                        Files.move(file, named, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
        return StoredCommands.read(mapper.readTree(Files.readAllBytes(file)));
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
