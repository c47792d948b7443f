package io.lwm2mgw.southbound.lwm2m.security;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateway's own DTLS identity as the bootstrap server hands it to devices: the public key an RPK device must
 * trust and the certificate an X.509 device must trust (the first of the gateway's chain).
 */
public record GatewayIdentity(Optional<PublicKey> publicKey, Optional<X509Certificate> certificate) {

    public GatewayIdentity {
        Objects.requireNonNull(publicKey);
        Objects.requireNonNull(certificate);
    }

    /** From the configured public key, else the certificate's; either may be absent (PSK-only gateways). */
    public static GatewayIdentity of(Optional<PublicKey> publicKey, Optional<X509Certificate[]> chain) {
        Optional<X509Certificate> leaf = chain.filter(c -> c.length > 0).map(c -> c[0]);
        return new GatewayIdentity(publicKey.or(() -> leaf.map(X509Certificate::getPublicKey)), leaf);
    }

    public static GatewayIdentity none() {
        return new GatewayIdentity(Optional.empty(), Optional.empty());
    }
}
