package io.lwm2mgw.southbound.lwm2m.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One snapshot of the credentials file: the devices' credentials by endpoint and the bootstrap configurations.
 * Immutable; a reload builds a new one. The file format is JSON:
 *
 * <pre>{@code
 * {"devices": [
 *    {"endpoint": "lamp-1", "psk": {"identity": "lamp-1", "key": "hex"}},
 *    {"endpoint": "lamp-2", "rpk": {"publicKey": "base64 of the DER SubjectPublicKeyInfo"}},
 *    {"endpoint": "lamp-3", "x509": {"subject": "lamp-3"}}],
 *  "bootstrap": [
 *    {"endpoint": "lamp-*", "servers": [{"uri": "coaps://gw:5684", "shortServerId": 1, "lifetime": 300,
 *                                        "binding": "U", "security": "psk"}], "acl": false}]}
 * }</pre>
 */
public record Credentials(Map<String, DeviceCredentials> devices, List<BootstrapConfiguration> bootstrap) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Credentials {
        devices = Map.copyOf(devices);
        bootstrap = List.copyOf(bootstrap);
    }

    public static Credentials empty() {
        return new Credentials(Map.of(), List.of());
    }

    /**
     * Parses the file's content; throws {@link IllegalArgumentException} naming the first bad entry (a PSK
     * identity, public key or subject used twice, a key that does not decode, a missing field).
     */
    public static Credentials parse(byte[] content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, DeviceCredentials> devices = new LinkedHashMap<>();
        Map<String, String> owners = new HashMap<>();
        int index = 0;
        for (JsonNode device : root.path("devices")) {
            String where = "devices[" + index++ + "]";
            String endpoint = text(device, "endpoint", where);
            DeviceCredentials credentials = device(device, endpoint, where + " (" + endpoint + ")");
            if (devices.put(endpoint, credentials) != null) {
                throw new IllegalArgumentException(where + ": endpoint " + endpoint + " appears twice");
            }
            String key = credentials.pskIdentity().map(i -> "PSK identity " + i)
                    .or(() -> credentials.publicKey().map(k -> "public key"
                            + Base64.getEncoder().encodeToString(k.getEncoded())))
                    .orElseGet(() -> "x509 subject " + credentials.x509Subject().orElseThrow());
            String previous = owners.put(key, endpoint);
            if (previous != null) {
                String what = key.startsWith("public key") ? "public key" : key;
                throw new IllegalArgumentException(where + ": " + what + " is already used by " + previous);
            }
        }
        List<BootstrapConfiguration> bootstrap = new ArrayList<>();
        index = 0;
        for (JsonNode entry : root.path("bootstrap")) {
            String where = "bootstrap[" + index++ + "]";
            String endpoint = text(entry, "endpoint", where);
            List<BootstrapConfiguration.ServerEntry> servers = new ArrayList<>();
            for (JsonNode server : entry.path("servers")) {
                try {
                    servers.add(new BootstrapConfiguration.ServerEntry(text(server, "uri", where),
                            server.path("shortServerId").asInt(1), server.path("lifetime").asLong(300),
                            server.path("binding").asText("U"), server.path("security").asText("nosec")));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
            }
            try {
                bootstrap.add(new BootstrapConfiguration(endpoint, servers, entry.path("acl").asBoolean(false)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
        return new Credentials(devices, bootstrap);
    }

    /** The bootstrap configuration for an endpoint: the exact entry, else the first pattern that matches. */
    public Optional<BootstrapConfiguration> bootstrapFor(String endpoint) {
        return bootstrap.stream().filter(b -> b.exact() && b.matches(endpoint)).findFirst()
                .or(() -> bootstrap.stream().filter(b -> !b.exact() && b.matches(endpoint)).findFirst());
    }

    private static DeviceCredentials device(JsonNode device, String endpoint, String where) {
        if (device.has("psk")) {
            JsonNode psk = device.get("psk");
            byte[] key;
            try {
                key = HexFormat.of().parseHex(text(psk, "key", where + ".psk"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".psk.key is not hexadecimal");
            }
            if (key.length == 0) {
                throw new IllegalArgumentException(where + ".psk.key is empty");
            }
            return DeviceCredentials.psk(endpoint, text(psk, "identity", where + ".psk"), key);
        }
        if (device.has("rpk")) {
            return DeviceCredentials.rpk(endpoint, publicKey(text(device.get("rpk"), "publicKey", where + ".rpk"),
                    where));
        }
        if (device.has("x509")) {
            return DeviceCredentials.x509(endpoint, device.get("x509").path("subject").asText(endpoint));
        }
        throw new IllegalArgumentException(where + ": needs one of psk, rpk, x509");
    }

    /** An EC (or else RSA) public key from base64 or hex of its DER SubjectPublicKeyInfo. */
    static PublicKey publicKey(String text, String where) {
        byte[] der;
        try {
            der = text.matches("[0-9a-fA-F]+") ? HexFormat.of().parseHex(text) : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".rpk.publicKey is neither base64 nor hex");
        }
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (java.security.GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(where + ".rpk.publicKey is not a DER SubjectPublicKeyInfo");
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(where + "." + field + " is missing");
        }
        return value.asText();
    }
}
