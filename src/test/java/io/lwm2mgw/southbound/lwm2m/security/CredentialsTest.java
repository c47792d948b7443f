package io.lwm2mgw.southbound.lwm2m.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    static Credentials parse(String json) {
        return Credentials.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_each_kind_of_credential_and_the_bootstrap_entries() {
        Credentials c = parse("""
                {"devices": [
                  {"endpoint": "a", "psk": {"identity": "a-id", "key": "00ff10"}},
                  {"endpoint": "c", "x509": {"subject": "cert-c"}},
                  {"endpoint": "d", "x509": {}}],
                 "bootstrap": [
                  {"endpoint": "lamp-*", "servers": [{"uri": "coaps://gw:5684", "security": "psk"}]},
                  {"endpoint": "lamp-7", "servers": [{"uri": "coap://gw:5683", "shortServerId": 3}], "acl": true}]}
                """);

        assertThat(c.devices().get("a").pskIdentity()).contains("a-id");
        assertThat(c.devices().get("a").pskKey().orElseThrow()).containsExactly(0, 0xff, 0x10);
        assertThat(c.devices().get("c").x509Subject()).contains("cert-c");
        assertThat(c.devices().get("d").x509Subject()).as("subject defaults to the endpoint").contains("d");
        assertThat(c.bootstrapFor("lamp-7").orElseThrow().acl()).as("an exact name wins over a pattern").isTrue();
        assertThat(c.bootstrapFor("lamp-1").orElseThrow().servers().get(0).security()).isEqualTo("psk");
        assertThat(c.bootstrapFor("pump-1")).isEmpty();
        SecurityInfo info = c.devices().get("a").toSecurityInfo();
        assertThat(info.getPskIdentity()).isEqualTo("a-id");
        assertThat(info.getEndpoint()).isEqualTo("a");
    }

    @Test
    void patterns_match_star_and_question_mark_and_nothing_else() {
        BootstrapConfiguration pattern = new BootstrapConfiguration("urn:imei:35?-*",
                List.of(new BootstrapConfiguration.ServerEntry("coap://gw", 1, 60, "U", "nosec")), false);

        assertThat(pattern.matches("urn:imei:351-0042")).isTrue();
        assertThat(pattern.matches("urn:imei:35-0042")).isFalse();
        assertThat(pattern.matches("urn:imei:3510042")).isFalse();
        assertThat(new BootstrapConfiguration("a.b", pattern.servers(), false).matches("axb"))
                .as("a dot is literal").isFalse();
    }

    @Test
    void every_bad_file_is_refused_naming_the_entry() {
        List<String> errors = new ArrayList<>();
        for (String bad : List.of(
                "[1, 2]",
                "{not json",
                "{\"devices\": [{\"psk\": {\"identity\": \"x\", \"key\": \"00\"}}]}",
                "{\"devices\": [{\"endpoint\": \"a\", \"psk\": {\"identity\": \"x\", \"key\": \"zz\"}}]}",
                "{\"devices\": [{\"endpoint\": \"a\"}]}",
                "{\"devices\": [{\"endpoint\": \"a\", \"psk\": {\"identity\": \"x\", \"key\": \"00\"}},"
                        + "{\"endpoint\": \"b\", \"psk\": {\"identity\": \"x\", \"key\": \"01\"}}]}",
                "{\"devices\": [{\"endpoint\": \"a\", \"rpk\": {\"publicKey\": \"AAAA\"}}]}",
                "{\"bootstrap\": [{\"endpoint\": \"a\", \"servers\": []}]}",
                "{\"bootstrap\": [{\"endpoint\": \"a\", \"servers\": [{\"uri\": \"coap://x\","
                        + " \"security\": \"oscore\"}]}]}")) {
            assertThatThrownBy(() -> parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> errors.add(e.getMessage()));
        }
        assertThat(errors).containsExactly(
                "not a JSON object",
                errors.get(1),
                "devices[0].endpoint is missing",
                "devices[0] (a).psk.key is not hexadecimal",
                "devices[0] (a): needs one of psk, rpk, x509",
                "devices[1]: PSK identity x is already used by a",
                "devices[0] (a).rpk.publicKey is not a DER SubjectPublicKeyInfo",
                "bootstrap[0]: bootstrap entry a names no server",
                "bootstrap[0]: server coap://x: security must be nosec, psk, rpk or x509, not oscore");
        assertThat(errors.get(1)).startsWith("not JSON: ");
    }

    @Test
    void key_material_stays_out_of_to_string() {
        DeviceCredentials psk = DeviceCredentials.psk("a", "a-id", new byte[] {0x5e, 0x5e});

        assertThat(psk.toString()).contains("a-id").doesNotContain("5e5e").doesNotContain("[B@");
    }
}
