package io.lwm2mgw.southbound.lwm2m.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.util.datatype.ULong;
import org.junit.jupiter.api.Test;

class BootstrapInstanceMapperTest {

    private static final Path FIXTURES = Path.of("src/test/resources/security");

    private static String b64(String fixture) throws Exception {
        return Base64.getEncoder().encodeToString(KeyFilesDer.of(FIXTURES.resolve(fixture)));
    }

    private static Credentials file(String json) {
        return Credentials.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static GatewayIdentity gateway() {
        return GatewayIdentity.of(Optional.empty(), Optional.of(KeyFiles.certificates(FIXTURES.resolve("server.pem"))));
    }

    private Map<LwM2mPath, LwM2mObjectInstance> writes(Credentials c, String endpoint, GatewayIdentity gateway) {
        return new BootstrapInstanceMapper(gateway).writes(c.bootstrapFor(endpoint).orElseThrow(), endpoint,
                Optional.ofNullable(c.devices().get(endpoint)), Optional.ofNullable(c.clientKeys().get(endpoint)));
    }

    private static Object value(LwM2mObjectInstance instance, int resource) {
        return instance.getResource(resource).getValue();
    }

    @Test
    void rpk_writes_the_devices_keys_and_the_gateways_public_key() throws Exception {
        Credentials c = file("{\"devices\": [{\"endpoint\": \"a\", \"rpk\": {\"publicKey\": \"" + b64("rpk-dev-pub.pem")
                + "\", \"privateKey\": \"" + b64("rpk-dev.key") + "\"}}],"
                + "\"bootstrap\": [{\"endpoint\": \"a\", \"servers\": [{\"uri\": \"coaps://gw\", \"shortServerId\": 4,"
                + " \"security\": \"rpk\"}]}]}");

        LwM2mObjectInstance security = writes(c, "a", gateway()).get(new LwM2mPath(0, 0));

        assertThat(value(security, 2)).isEqualTo(1L);
        assertThat((byte[]) value(security, 3)).isEqualTo(KeyFilesDer.of(FIXTURES.resolve("rpk-dev-pub.pem")));
        assertThat((byte[]) value(security, 4)).isEqualTo(KeyFilesDer.of(FIXTURES.resolve("server-pub.pem")));
        assertThat((byte[]) value(security, 5)).isEqualTo(KeyFilesDer.of(FIXTURES.resolve("rpk-dev.key")));
        assertThat(value(security, 10)).isEqualTo(4L);
    }

    @Test
    void x509_writes_the_devices_certificate_and_key_and_the_server_certificate_to_trust() throws Exception {
        Credentials c = file("{\"devices\": [{\"endpoint\": \"x509-dev\", \"x509\": {\"certificate\": \""
                + Files.readString(FIXTURES.resolve("x509-dev.pem")).replace("\n", "\\n") + "\", \"privateKey\": \""
                + b64("x509-dev.key") + "\"}}],"
                + "\"bootstrap\": [{\"endpoint\": \"x509-*\", \"servers\": [{\"uri\": \"coaps://gw\","
                + " \"security\": \"x509\"}]}]}");
        X509Certificate server = KeyFiles.certificates(FIXTURES.resolve("server.pem"))[0];

        LwM2mObjectInstance security = writes(c, "x509-dev", gateway()).get(new LwM2mPath(0, 0));

        assertThat(c.devices().get("x509-dev").x509Subject()).as("the subject is the certificate's CN").contains("x509-dev");
        assertThat(value(security, 2)).isEqualTo(2L);
        assertThat((byte[]) value(security, 3)).isEqualTo(KeyFilesDer.of(FIXTURES.resolve("x509-dev.pem")));
        assertThat((byte[]) value(security, 4)).isEqualTo(server.getEncoded());
        assertThat((byte[]) value(security, 5)).isEqualTo(KeyFilesDer.of(FIXTURES.resolve("x509-dev.key")));
        assertThat(value(security, 15)).isEqualTo(ULong.valueOf(3));
    }

    @Test
    void access_control_gives_each_server_its_own_server_instance_and_all_of_them_the_device() {
        Credentials c = file("{\"bootstrap\": [{\"endpoint\": \"a\", \"acl\": true, \"servers\": ["
                + "{\"uri\": \"coap://one\", \"shortServerId\": 3}, {\"uri\": \"coap://two\", \"shortServerId\": 5}]}]}");

        Map<LwM2mPath, LwM2mObjectInstance> writes = writes(c, "a", GatewayIdentity.none());

        assertThat(writes.keySet()).extracting(LwM2mPath::toString)
                .containsExactly("/0/0", "/1/0", "/0/1", "/1/1", "/2/0", "/2/1", "/2/2");
        LwM2mObjectInstance second = writes.get(new LwM2mPath(2, 1));
        assertThat(List.of(value(second, 0), value(second, 1), value(second, 3))).containsExactly(1L, 1L, 5L);
        assertThat(second.getResource(2).getInstances()).containsOnlyKeys(5);
        LwM2mObjectInstance device = writes.get(new LwM2mPath(2, 2));
        assertThat(List.of(value(device, 0), value(device, 1), value(device, 3))).containsExactly(3L, 0L, 3L);
        assertThat(device.getResource(2).getInstances()).containsOnlyKeys(3, 5);
        assertThat(device.getResource(2).getInstance(5).getValue()).isEqualTo(15L);
    }

    @Test
    void missing_keys_are_named_before_anything_is_written() throws Exception {
        Credentials c = file("{\"devices\": [{\"endpoint\": \"a\", \"rpk\": {\"publicKey\": \"" + b64("rpk-dev-pub.pem")
                + "\"}}, {\"endpoint\": \"b\", \"x509\": {}}],"
                + "\"bootstrap\": [{\"endpoint\": \"a\", \"servers\": [{\"uri\": \"coaps://gw\", \"security\": \"rpk\"}]},"
                + "{\"endpoint\": \"b\", \"servers\": [{\"uri\": \"coaps://gw\", \"security\": \"x509\"}]}]}");

        assertThatThrownBy(() -> writes(c, "a", gateway())).hasMessage(
                "server coaps://gw wants rpk but a has no rpk.privateKey in the credentials file");
        assertThatThrownBy(() -> writes(c, "b", gateway())).hasMessage(
                "server coaps://gw wants x509 but b has no x509.certificate and x509.privateKey in the credentials file");
        Credentials withKey = file("{\"devices\": [{\"endpoint\": \"a\", \"rpk\": {\"publicKey\": \""
                + b64("rpk-dev-pub.pem") + "\", \"privateKey\": \"" + b64("rpk-dev.key") + "\"}}],"
                + "\"bootstrap\": [{\"endpoint\": \"a\", \"servers\": [{\"uri\": \"coaps://gw\", \"security\": \"rpk\"}]}]}");
        assertThatThrownBy(() -> writes(withKey, "a", GatewayIdentity.none())).hasMessage(
                "server coaps://gw wants rpk but the gateway has no public key (server-public-key or"
                        + " server-certificate-chain)");
    }

    @Test
    void key_pairs_and_certificates_that_do_not_fit_are_refused_when_the_file_is_read() throws Exception {
        String wrongPair = "{\"devices\": [{\"endpoint\": \"a\", \"rpk\": {\"publicKey\": \"" + b64("rpk-dev-pub.pem")
                + "\", \"privateKey\": \"" + b64("server.key") + "\"}}]}";
        String wrongSubject = "{\"devices\": [{\"endpoint\": \"a\", \"x509\": {\"subject\": \"a\", \"certificate\": \""
                + b64("x509-other.pem") + "\", \"privateKey\": \"" + b64("x509-other.key") + "\"}}]}";
        String halfX509 = "{\"devices\": [{\"endpoint\": \"a\", \"x509\": {\"privateKey\": \"" + b64("x509-dev.key")
                + "\"}}]}";

        assertThatThrownBy(() -> file(wrongPair)).hasMessage(
                "devices[0] (a).rpk.privateKey does not belong to its public key");
        assertThatThrownBy(() -> file(wrongSubject)).hasMessage(
                "devices[0] (a).x509.certificate has CN x509-other, not subject a");
        assertThatThrownBy(() -> file(halfX509)).hasMessage(
                "devices[0] (a).x509 needs both certificate and privateKey, or neither");
        assertThat(file(wrongPair.replace(b64("server.key"), b64("rpk-dev.key"))).clientKeys().get("a").toString())
                .isEqualTo("ClientKeys[rpk]");
    }

    /** The DER of a one-block PEM fixture. */
    private static final class KeyFilesDer {
        static byte[] of(Path pem) throws Exception {
            String body = Files.readString(pem).replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(body);
        }
    }
}
