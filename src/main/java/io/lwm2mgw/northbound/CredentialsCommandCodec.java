package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.domain.command.CredentialSpec;
import java.util.Optional;

/** The fields of {@code credentials-put}. Pure. */
final class CredentialsCommandCodec {

    private CredentialsCommandCodec() {
    }

    /**
     * The credentials of a {@code credentials-put}, in the credentials file's form: exactly one of
     * {@code "psk": {"identity", "key"}}, {@code "rpk": {"publicKey"}}, {@code "x509": {"subject"}}.
     */
    static CredentialSpec credentials(JsonNode doc) {
        int kinds = (doc.has("psk") ? 1 : 0) + (doc.has("rpk") ? 1 : 0) + (doc.has("x509") ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("credentials-put needs exactly one of 'psk', 'rpk', 'x509'");
        }
        if (doc.has("psk")) {
            JsonNode psk = object(doc, "psk");
            return CredentialSpec.psk(required(psk, "psk.identity", "identity"), required(psk, "psk.key", "key"));
        }
        if (doc.has("rpk")) {
            return CredentialSpec.rpk(required(object(doc, "rpk"), "rpk.publicKey", "publicKey"));
        }
        JsonNode x509 = object(doc, "x509");
        if (x509.has("subject") && (!x509.get("subject").isTextual() || x509.get("subject").asText().isEmpty())) {
            throw new IllegalArgumentException("'x509.subject' must be a non-empty string");
        }
        return CredentialSpec.x509(Optional.ofNullable(x509.get("subject")).map(JsonNode::asText));
    }

    private static JsonNode object(JsonNode doc, String field) {
        JsonNode node = doc.get(field);
        if (!node.isObject()) {
            throw new IllegalArgumentException("'" + field + "' must be an object");
        }
        return node;
    }

    private static String required(JsonNode node, String name, String field) {
        return CommandCodec.text(node, field).filter(value -> !value.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException("missing '" + name + "'"));
    }
}
