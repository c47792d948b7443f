package io.lwm2mgw.domain.command;

import java.util.Objects;
import java.util.Optional;

/**
 * Credentials an application provisions for one endpoint, as the credentials file writes them: a PSK (identity
 * and hex key), a raw public key (base64 or hex of its DER SubjectPublicKeyInfo) or an X.509 subject. Checked
 * for form here; whether a key decodes is the southbound's to say. {@link #toString()} never shows key
 * material.
 */
public record CredentialSpec(Mode mode, Optional<String> identity, Optional<String> key) {

    public enum Mode {
        PSK, RPK, X509
    }

    public CredentialSpec {
        Objects.requireNonNull(mode);
        if (mode == Mode.PSK && (identity.isEmpty() || key.isEmpty())) {
            throw new IllegalArgumentException("psk needs 'identity' and 'key'");
        }
        if (mode == Mode.RPK && key.isEmpty()) {
            throw new IllegalArgumentException("rpk needs 'publicKey'");
        }
    }

    public static CredentialSpec psk(String identity, String hexKey) {
        return new CredentialSpec(Mode.PSK, Optional.of(identity), Optional.of(hexKey));
    }

    public static CredentialSpec rpk(String publicKey) {
        return new CredentialSpec(Mode.RPK, Optional.empty(), Optional.of(publicKey));
    }

    /** An X.509 certificate subject (CN); empty means the endpoint name. */
    public static CredentialSpec x509(Optional<String> subject) {
        return new CredentialSpec(Mode.X509, subject, Optional.empty());
    }

    @Override
    public String toString() {
        return "CredentialSpec[" + mode + identity.map(i -> " " + i).orElse("") + "]";
    }
}
