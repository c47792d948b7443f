package io.lwm2mgw.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * The security half of the flow tests' one application ({@link BrokersResource}): a credentials file, the
 * gateway's X.509 identity (which also serves RPK), the test CA as trust anchor, the bootstrap server and
 * credential provisioning on. The endpoints it names (psk-dev, rotating, boot-*, ...) belong to the security
 * tests, which each write the credentials they start from. The fixtures in {@code src/test/resources/security} are EC P-256 keys and
 * certificates valid for 100 years: {@code ca.pem} signed {@code server.pem} (CN=localhost),
 * {@code x509-dev.pem} and {@code x509-other.pem}; {@code rpk-dev} is a bare key pair.
 */
public final class SecurityProfile {

    public static final Path CREDENTIALS = Path.of("target/security-it-" + TestBrokers.fork(), "credentials.json");
    public static final Path FIXTURES = Path.of("src/test/resources/security");
    /** Where this run's provisioned credentials go: fresh per run, so none survive from an earlier one. */
    public static final Path PROVISIONED = Path.of("target/security-it-" + TestBrokers.fork(), "provisioned-" + java.util.UUID.randomUUID());

    /** The credentials every security test starts from; {@code bootstrapPort} goes into the bootstrap entry. */
    public static String credentials(String rotatingKey, int bootstrapPort) {
        return "{\"devices\": ["
                + "{\"endpoint\": \"psk-dev\", \"psk\": {\"identity\": \"psk-dev-id\", \"key\": \"0102030405060708\"}},"
                + "{\"endpoint\": \"psk-victim\", \"psk\": {\"identity\": \"victim-id\", \"key\": \"a1a2a3a4a5a6\"}},"
                + "{\"endpoint\": \"nat-dev\", \"psk\": {\"identity\": \"nat-dev-id\", \"key\": \"0b0b0b0b0b0b\"}},"
                + "{\"endpoint\": \"rotating\", \"psk\": {\"identity\": \"rotating-id\", \"key\": \"" + rotatingKey
                + "\"}},"
                + "{\"endpoint\": \"boot-1\", \"psk\": {\"identity\": \"boot-1-id\", \"key\": \"b007b007\"}},"
                + "{\"endpoint\": \"rpk-dev\", \"rpk\": {\"publicKey\": \""
                + Base64.getEncoder().encodeToString(der("rpk-dev-pub.pem")) + "\"}},"
                + "{\"endpoint\": \"x509-dev\", \"x509\": {\"subject\": \"x509-dev\"}}],"
                + "\"bootstrap\": [{\"endpoint\": \"boot-*\", \"servers\": [{\"uri\": \"coaps://127.0.0.1:"
                + bootstrapPort + "\", \"shortServerId\": 7, \"lifetime\": 120, \"binding\": \"U\","
                + " \"security\": \"psk\"}]}]}";
    }

    public static void write(String content) {
        try {
            Files.createDirectories(CREDENTIALS.getParent());
            Path next = CREDENTIALS.resolveSibling("credentials.json.next");
            Files.writeString(next, content);
            // replaced at once, as a Secret volume swaps its link: the watcher never sees half a file
            Files.move(next, CREDENTIALS, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The DER bytes of a PEM fixture (one block). */
    public static byte[] der(String fixture) {
        try {
            String pem = Files.readString(FIXTURES.resolve(fixture));
            String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SecurityProfile() {
    }

    /** The configuration, once the credentials file the tests start from is written. */
    static Map<String, String> config() {
        write(credentials("1111111111", 1));
        return Map.of(
                "gateway.lwm2m.security.credentials-file", CREDENTIALS.toString(),
                "gateway.lwm2m.security.server-private-key", FIXTURES.resolve("server.key").toString(),
                "gateway.lwm2m.security.server-certificate-chain", FIXTURES.resolve("server.pem").toString(),
                "gateway.lwm2m.security.trusted-certificates", FIXTURES.resolve("ca.pem").toString(),
                "gateway.lwm2m.security.bootstrap.enabled", "true",
                "gateway.lwm2m.security.provisioning.enabled", "true",
                "gateway.lwm2m.security.provisioning.directory", PROVISIONED.toString());
    }
}
