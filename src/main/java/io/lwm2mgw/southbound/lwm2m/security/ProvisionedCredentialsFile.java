package io.lwm2mgw.southbound.lwm2m.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.storage.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provisioned credentials in one file, {@code provisioned.json} in the configured directory, in the
 * credentials file's format (so an operator can read it, or move entries into the Secret). Every change
 * rewrites it whole: a temporary file, fsync'd, then renamed over the old one, so a crash leaves either the
 * old or the new content. It holds keys: the directory should be readable by the gateway only.
 */
public final class ProvisionedCredentialsFile implements ProvisionedCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    /** What the file holds, once loaded; guarded by this. */
    private Map<String, DeviceCredentials> entries;

    public ProvisionedCredentialsFile(Path directory) {
        this.file = directory.resolve("provisioned.json");
    }

    /** The file itself. */
    public Path file() {
        return file;
    }

    /** The stored entries; none when the file does not exist. A file that does not parse stops start-up. */
    @Override
    public synchronized Map<String, DeviceCredentials> load() {
        entries = new LinkedHashMap<>(read());
        return Map.copyOf(entries);
    }

    private Map<String, DeviceCredentials> read() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return Credentials.parse(Files.readAllBytes(file)).devices();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read provisioned credentials " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("provisioned credentials " + file + " are unreadable: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public synchronized void put(DeviceCredentials credentials) {
        Map<String, DeviceCredentials> next = new LinkedHashMap<>(loaded());
        next.put(credentials.endpoint(), credentials);
        save(next);
    }

    @Override
    public synchronized void remove(String endpoint) {
        Map<String, DeviceCredentials> next = new LinkedHashMap<>(loaded());
        if (next.remove(endpoint) != null) {
            save(next);
        }
    }

    private Map<String, DeviceCredentials> loaded() {
        if (entries == null) {
            entries = new LinkedHashMap<>(read());
        }
        return entries;
    }

    /** Replaces the stored entries with {@code devices}; durable when it returns. */
    private void save(Map<String, DeviceCredentials> devices) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("devices");
        devices.values().forEach(c -> list.add(CredentialEntryCodec.entry(c)));
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store provisioned credentials in " + file, e);
        }
        entries = devices;
    }
}
