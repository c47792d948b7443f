package io.lwm2mgw.firmware;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.storage.AtomicFile;
import io.lwm2mgw.storage.EarlierFormats;
import io.lwm2mgw.storage.RetriedWrites;
import io.lwm2mgw.storage.StoredCampaigns;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Campaigns on disk, one JSON file each (the start document, the campaign's state and every device's
 * state), replaced through {@link AtomicFile} on every change, so a restarted gateway carries on where it
 * stopped. Writes run on their own thread and are retried while the disk refuses them ({@link RetriedWrites}).
 */
final class CampaignStore {

    private static final Logger LOG = Logger.getLogger(CampaignStore.class);

    /** A campaign read back from disk. */
    record Stored(CampaignSpec spec, CampaignStatus.State state, Map<EndpointName, CampaignStatus.DeviceState> devices) { }

    private final Path directory;
    private final ObjectMapper mapper;
    private final RetriedWrites writes;
    private final EarlierFormats earlier;

    CampaignStore(Path directory, ObjectMapper mapper, RetriedWrites writes, EarlierFormats earlier) {
        this.earlier = earlier;
        this.directory = directory;
        this.mapper = mapper;
        this.writes = writes;
    }

    void save(CampaignSpec spec, CampaignStatus.State state, Map<EndpointName, CampaignStatus.DeviceState> devices) {
        byte[] content = content(spec, state, devices);
        Path file = file(spec.id());
        // on the store's writer thread, retried until the disk takes it; a newer state replaces an unwritten one
        writes.submit(spec.id(), () -> {
            Files.createDirectories(directory);
            AtomicFile.write(file, content);
        });
    }

    private byte[] content(CampaignSpec spec, CampaignStatus.State state,
            Map<EndpointName, CampaignStatus.DeviceState> devices) {
        ObjectNode doc = mapper.createObjectNode();
        doc.set("spec", StoredCampaigns.write(spec));
        doc.put("state", state.name());
        ObjectNode states = doc.putObject("devices");
        devices.forEach((ep, s) -> states.put(ep.value(), s.name()));
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store campaign " + spec.id() + ": " + e.getMessage(), e);
        }
    }

    /** Writes what is pending and stops retrying. */
    void close() {
        writes.close();
    }

    List<Stored> loadAll() {
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
            JsonNode doc = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
            JsonNode specDoc = doc.get("spec");
            boolean current = EarlierFormats.versioned(specDoc);
            CampaignSpec spec = current ? StoredCampaigns.read(specDoc) : earlier.campaign(specDoc);
            Map<EndpointName, CampaignStatus.DeviceState> devices = new LinkedHashMap<>();
            doc.get("devices").fields().forEachRemaining(e -> devices.put(EndpointName.of(e.getKey()),
                    CampaignStatus.DeviceState.valueOf(e.getValue().asText())));
            CampaignStatus.State state = CampaignStatus.State.valueOf(doc.get("state").asText());
            if (!current) {
                // written by an earlier version, in the campaign document of its time: stored anew in ours,
                // now and under its own name, and only then is the earlier file gone
                AtomicFile.write(file(spec.id()), content(spec, state, devices));
                if (!file.equals(file(spec.id()))) {
                    AtomicFile.delete(file);
                }
                LOG.infof("campaign %s read in an earlier version's format and stored anew", spec.id());
            }
            return Optional.of(new Stored(spec, state, devices));
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
