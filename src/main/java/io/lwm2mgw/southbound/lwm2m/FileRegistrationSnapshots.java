package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.storage.AtomicFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Registration snapshots as files in one folder (a volume on Kubernetes): {@code <registration id>.json},
 * replaced through {@link AtomicFile}, so a crash leaves either the old or the new snapshot, never half of one.
 */
public final class FileRegistrationSnapshots implements RegistrationSnapshots {

    private static final Logger LOG = Logger.getLogger(FileRegistrationSnapshots.class);
    /** Leshan's registration ids are short alphanumerics; anything else never becomes a file name. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String SUFFIX = ".json";

    private final Path directory;

    public FileRegistrationSnapshots(Path directory) {
        this.directory = directory;
    }

    @Override
    public void save(Snapshot snapshot) throws IOException {
        // the owner and the expiry are in the content too: a file needs no index
        Files.createDirectories(directory);
        AtomicFile.write(file(snapshot.registrationId()), snapshot.content());
    }

    @Override
    public void delete(String registrationId) throws IOException {
        AtomicFile.delete(file(registrationId));
    }

    @Override
    public Map<String, byte[]> loadAll() throws IOException {
        Map<String, byte[]> snapshots = new HashMap<>();
        if (!Files.isDirectory(directory)) {
            return snapshots;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                snapshots.put(name.substring(0, name.length() - SUFFIX.length()), Files.readAllBytes(file));
            }
        }
        LOG.debugf("%d registration snapshots in %s", snapshots.size(), directory);
        return snapshots;
    }

    private Path file(String registrationId) {
        if (!SAFE_ID.matcher(registrationId).matches()) {
            throw new IllegalArgumentException("registration id '" + registrationId + "' is not a safe file name");
        }
        return directory.resolve(registrationId + SUFFIX);
    }
}
