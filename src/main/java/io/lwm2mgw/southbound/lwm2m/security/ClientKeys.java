package io.lwm2mgw.southbound.lwm2m.security;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * A device's own key material that only the bootstrap server uses: it writes the private key (and, for X.509,
 * the device's certificate) into the device's Security object so that the device can register over RPK or
 * X.509. Never logged: {@link #toString()} names the kind only.
 */
public record ClientKeys(PrivateKey privateKey, Optional<X509Certificate> certificate) {

    public ClientKeys {
        Objects.requireNonNull(privateKey);
        Objects.requireNonNull(certificate);
    }

    /** Throws {@link IllegalArgumentException} when the private key does not belong to {@code publicKey}. */
    static void checkPair(PrivateKey privateKey, PublicKey publicKey, String where) {
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> publicKey.getAlgorithm();
        };
        byte[] probe = {'l', 'w', 'm', '2', 'm'};
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another algorithm: no pair either
        }
        throw new IllegalArgumentException(where + ".privateKey does not belong to its public key");
    }

    @Override
    public String toString() {
        return certificate.isPresent() ? "ClientKeys[x509]" : "ClientKeys[rpk]";
    }
}
