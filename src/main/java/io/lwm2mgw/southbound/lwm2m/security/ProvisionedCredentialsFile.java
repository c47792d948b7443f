package io.lwm2mgw.southbound.lwm2m.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.storage.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where provisioned credentials live: one file, {@code provisioned.json} in the configured directory, in the
 * credentials file's format (so an operator can read it, or move entries into the Secret). Every change
 * rewrites it whole: a temporary file, fsync'd, then renamed over the old one, so a crash leaves either the
 * old or the new content. It holds keys: the directory should be readable by the gateway only.
 */
public final class ProvisionedCredentialsFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public ProvisionedCredentialsFile(Path directory) {
        this.file = directory.resolve("provisioned.json");
    }

    /** The stored entries; none when the file does not exist. A file that does not parse stops start-up. */
    Map<String, DeviceCredentials> load() {
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

    /** Replaces the stored entries with {@code devices}; durable when it returns. */
    void save(Map<String, DeviceCredentials> devices) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("devices");
        for (DeviceCredentials c : devices.values()) {
            ObjectNode entry = list.addObject().put("endpoint", c.endpoint());
            if (c.pskIdentity().isPresent()) {
                entry.putObject("psk").put("identity", c.pskIdentity().get())
                        .put("key", HexFormat.of().formatHex(c.pskKey().orElseThrow()));
            } else if (c.publicKey().isPresent()) {
                entry.putObject("rpk").put("publicKey",
                        Base64.getEncoder().encodeToString(c.publicKey().get().getEncoded()));
            } else {
                entry.putObject("x509").put("subject", c.x509Subject().orElseThrow());
            }
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store provisioned credentials in " + file, e);
        }
    }
}
