package io.lwm2mgw.southbound.lwm2m.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
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
 *    {"endpoint": "lamp-3", "x509": {"subject": "lamp-3"}},
 *    {"endpoint": "lamp-4", "rpk": {"publicKey": "...", "privateKey": "base64 of the PKCS#8 private key"}},
 *    {"endpoint": "lamp-5", "x509": {"certificate": "base64 DER or PEM", "privateKey": "..."}}],
 *  "bootstrap": [
 *    {"endpoint": "lamp-*", "servers": [{"uri": "coaps://gw:5684", "shortServerId": 1, "lifetime": 300,
 *                                        "binding": "U", "security": "psk"}], "acl": false}]}
 * }</pre>
 *
 * A device's private key (and certificate) is optional and used only by the bootstrap server, which hands it to
 * the device for an {@code rpk} or {@code x509} server; it is kept apart, in {@link #clientKeys()}.
 */
public record Credentials(Map<String, DeviceCredentials> devices, List<BootstrapConfiguration> bootstrap,
        Map<String, ClientKeys> clientKeys) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Credentials {
        devices = Map.copyOf(devices);
        bootstrap = List.copyOf(bootstrap);
        clientKeys = Map.copyOf(clientKeys);
    }

    /** Credentials without key material for the bootstrap server. */
    public Credentials(Map<String, DeviceCredentials> devices, List<BootstrapConfiguration> bootstrap) {
        this(devices, bootstrap, Map.of());
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
        Map<String, ClientKeys> clientKeys = new HashMap<>();
        int index = 0;
        for (JsonNode device : root.path("devices")) {
            String where = "devices[" + index++ + "]";
            String endpoint = text(device, "endpoint", where);
            DeviceCredentials credentials = device(device, endpoint, where + " (" + endpoint + ")");
            clientKeys(device, credentials, where + " (" + endpoint + ")")
                    .ifPresent(keys -> clientKeys.put(endpoint, keys));
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
                            server.path("binding").asText("U"), server.path("security").asText("nosec"),
                            Optional.ofNullable(server.get("serverPublicKey")).map(JsonNode::asText)
                                    .map(k -> serverPublicKey(k, where)),
                            Optional.ofNullable(server.get("serverCertificate")).map(JsonNode::asText)
                                    .map(c -> certificate(c, where + ".servers.serverCertificate"))));
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
        return new Credentials(devices, bootstrap, clientKeys);
    }

    /** The bootstrap configuration for an endpoint: the exact entry, else the first pattern that matches. */
    public Optional<BootstrapConfiguration> bootstrapFor(String endpoint) {
        return bootstrap.stream().filter(b -> b.exact() && b.matches(endpoint)).findFirst()
                .or(() -> bootstrap.stream().filter(b -> !b.exact() && b.matches(endpoint)).findFirst());
    }

    private static DeviceCredentials device(JsonNode device, String endpoint, String where) {
        if (device.has("psk")) {
            JsonNode psk = device.get("psk");
            byte[] key = pskKey(text(psk, "key", where + ".psk"), where + ".psk.key");
            return DeviceCredentials.psk(endpoint, text(psk, "identity", where + ".psk"), key);
        }
        if (device.has("rpk")) {
            return DeviceCredentials.rpk(endpoint, publicKey(text(device.get("rpk"), "publicKey", where + ".rpk"),
                    where));
        }
        if (device.has("x509")) {
            JsonNode x509 = device.get("x509");
            Optional<String> cn = Optional.ofNullable(x509.get("certificate"))
                    .map(c -> commonName(certificate(c.asText(), where + ".x509.certificate"), where));
            String subject = x509.path("subject").asText(cn.orElse(endpoint));
            if (cn.isPresent() && !cn.get().equals(subject)) {
                throw new IllegalArgumentException(where + ".x509.certificate has CN " + cn.get() + ", not subject "
                        + subject);
            }
            return DeviceCredentials.x509(endpoint, subject);
        }
        throw new IllegalArgumentException(where + ": needs one of psk, rpk, x509");
    }

    /** The device's own private key (and certificate), when the entry gives them for the bootstrap server. */
    private static Optional<ClientKeys> clientKeys(JsonNode device, DeviceCredentials credentials, String where) {
        if (credentials.publicKey().isPresent()) {
            JsonNode key = device.get("rpk").get("privateKey");
            if (key == null) {
                return Optional.empty();
            }
            PrivateKey privateKey = privateKey(key.asText(), where + ".rpk");
            ClientKeys.checkPair(privateKey, credentials.publicKey().get(), where + ".rpk");
            return Optional.of(new ClientKeys(privateKey, Optional.empty()));
        }
        if (credentials.x509Subject().isPresent()) {
            JsonNode x509 = device.get("x509");
            if (x509.has("certificate") != x509.has("privateKey")) {
                throw new IllegalArgumentException(where + ".x509 needs both certificate and privateKey, or neither");
            }
            if (!x509.has("certificate")) {
                return Optional.empty();
            }
            X509Certificate certificate = certificate(x509.get("certificate").asText(), where + ".x509.certificate");
            PrivateKey privateKey = privateKey(x509.get("privateKey").asText(), where + ".x509");
            ClientKeys.checkPair(privateKey, certificate.getPublicKey(), where + ".x509");
            return Optional.of(new ClientKeys(privateKey, Optional.of(certificate)));
        }
        return Optional.empty();
    }

    /** A PKCS#8 private key (EC, else RSA) from base64, hex or PEM of its DER. */
    static PrivateKey privateKey(String text, String where) {
        byte[] der = der(text, where + ".privateKey");
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(where + ".privateKey is not a PKCS#8 private key");
    }

    /** An X.509 certificate from base64, hex or PEM of its DER. */
    static X509Certificate certificate(String text, String where) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der(text, where)));
        } catch (java.security.GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(where + " is not an X.509 certificate");
        }
    }

    private static String commonName(X509Certificate certificate, String where) {
        String dn = certificate.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        throw new IllegalArgumentException(where + ".x509.certificate has no CN");
    }

    private static byte[] der(String text, String where) {
        String body = text.contains("-----BEGIN ")
                ? text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "") : text;
        try {
            return body.matches("[0-9a-fA-F]+") ? HexFormat.of().parseHex(body) : Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is neither base64 nor hex");
        }
    }

    private static PublicKey serverPublicKey(String text, String where) {
        try {
            return publicKey(text, where);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".servers.serverPublicKey is not the base64 or hex of a DER"
                    + " SubjectPublicKeyInfo");
        }
    }

    /** A pre-shared key from its hex text; {@code what} names it in the error (not hexadecimal, empty). */
    static byte[] pskKey(String hex, String what) {
        byte[] key;
        try {
            key = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not hexadecimal");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return key;
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
