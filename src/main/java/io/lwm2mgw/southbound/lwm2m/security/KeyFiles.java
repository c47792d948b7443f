package io.lwm2mgw.southbound.lwm2m.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** Reads the gateway's own keys and certificates from PEM or DER files; errors name the file. */
public final class KeyFiles {

    private KeyFiles() {
    }

    /** A PKCS#8 private key (EC, else RSA). */
    public static PrivateKey privateKey(Path file) {
        byte[] der = der(file);
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // next algorithm
            }
        }
        throw new IllegalStateException(file + " holds no PKCS#8 private key");
    }

    /** A SubjectPublicKeyInfo public key (EC, else RSA). */
    public static PublicKey publicKey(Path file) {
        byte[] der = der(file);
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // next algorithm
            }
        }
        throw new IllegalStateException(file + " holds no public key");
    }

    /** Every certificate in the file, in order (PEM with several blocks, or one DER certificate). */
    public static X509Certificate[] certificates(Path file) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(file + " holds no readable certificate: " + e.getMessage());
        }
    }

    private static byte[] der(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(file + " cannot be read: " + e.getMessage());
        }
        String text = new String(content, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            return content;
        }
        int bodyStart = text.indexOf('\n', begin) + 1;
        int end = text.indexOf("-----END ", bodyStart);
        if (bodyStart <= 0 || end < 0) {
            throw new IllegalStateException(file + " is not a complete PEM block");
        }
        return Base64.getMimeDecoder().decode(text.substring(bodyStart, end));
    }
}
