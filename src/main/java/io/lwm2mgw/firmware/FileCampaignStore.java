package io.lwm2mgw.firmware;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.storage.AtomicFile;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Campaigns on disk as earlier versions kept them, one JSON file each ({@link CampaignDocuments}), replaced
 * through {@link AtomicFile} on every change. Writes run on their own thread and are retried while the disk
 * refuses them ({@link RetriedWrites}).
 */
public final class FileCampaignStore implements CampaignStore {

    private static final Logger LOG = Logger.getLogger(FileCampaignStore.class);

    private final Path directory;
    private final ObjectMapper mapper;
    private final RetriedWrites writes;
    private final EarlierFormats earlier;

    public FileCampaignStore(Path directory, ObjectMapper mapper, RetriedWrites writes, EarlierFormats earlier) {
        this.earlier = earlier;
        this.directory = directory;
        this.mapper = mapper;
        this.writes = writes;
    }

    @Override
    public void save(CampaignSpec spec, CampaignStatus.State state,
            Map<EndpointName, CampaignStatus.DeviceState> devices) {
        byte[] content = CampaignDocuments.encode(mapper, spec, state, devices);
        Path file = file(spec.id());
        // on the store's writer thread, retried until the disk takes it; a newer state replaces an unwritten one
        writes.submit(spec.id(), () -> {
            Files.createDirectories(directory);
            AtomicFile.write(file, content);
        });
    }

    /** Writes what is pending and stops retrying. */
    @Override
    public void close() {
        writes.close();
    }

    @Override
    public List<Stored> loadAll() {
        List<Stored> all = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return all;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                read(file).ifPresent(all::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private Optional<Stored> read(Path file) {
        try {
            CampaignDocuments.Read read = CampaignDocuments.decode(mapper, Files.readAllBytes(file), earlier);
            Stored stored = read.stored();
            if (read.earlierFormat()) {
                // written by an earlier version, in the campaign document of its time: stored anew in ours,
                // now and under its own name, and only then is the earlier file gone
                AtomicFile.write(file(stored.spec().id()), CampaignDocuments.encode(mapper, stored.spec(),
                        stored.state(), stored.devices()));
                if (!file.equals(file(stored.spec().id()))) {
                    AtomicFile.delete(file);
                }
                LOG.infof("campaign %s read in an earlier version's format and stored anew", stored.spec().id());
            }
            return Optional.of(stored);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("campaign file %s is unreadable and is skipped: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    private Path file(String id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(hash, 0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
