package io.lwm2mgw.southbound.lwm2m.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * One device's credentials as an entry of the credentials file ({@code {"endpoint", "psk"|"rpk"|"x509"}}), and
 * back: the format of the provisioned-credentials file and of each entry a state backend stores.
 */
public final class CredentialEntryCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CredentialEntryCodec() {
    }

    /** The entry as a JSON object. */
    static ObjectNode entry(DeviceCredentials c) {
        ObjectNode entry = JSON.createObjectNode().put("endpoint", c.endpoint());
        if (c.pskIdentity().isPresent()) {
            entry.putObject("psk").put("identity", c.pskIdentity().get())
                    .put("key", HexFormat.of().formatHex(c.pskKey().orElseThrow()));
        } else if (c.publicKey().isPresent()) {
            entry.putObject("rpk").put("publicKey", Base64.getEncoder().encodeToString(c.publicKey().get().getEncoded()));
        } else {
            entry.putObject("x509").put("subject", c.x509Subject().orElseThrow());
        }
        return entry;
    }

    /** The entry as UTF-8 JSON bytes. */
    public static byte[] encode(DeviceCredentials credentials) {
        try {
            return JSON.writeValueAsBytes(entry(credentials));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An entry read back; IllegalArgumentException naming the problem when it is not one. */
    public static DeviceCredentials decode(byte[] entry) {
        String document = "{\"devices\":[" + new String(entry, StandardCharsets.UTF_8) + "]}";
        return Credentials.parse(document.getBytes(StandardCharsets.UTF_8)).devices().values().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a credentials entry"));
    }
}
