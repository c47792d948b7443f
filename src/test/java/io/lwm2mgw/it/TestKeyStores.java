package io.lwm2mgw.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * PKCS#12 stores made from the PEM fixtures in {@code src/test/resources/security} for TLS tests: the broker's
 * key store ({@code server}, CN=localhost), a client key store ({@code x509-dev}) and a trust store holding the
 * test CA. Password {@link #PASSWORD}.
 */
public final class TestKeyStores {

    public static final String PASSWORD = "changeit";
    private static final Path DIR = Path.of("target/test-keystores-" + TestBrokers.fork());

    private TestKeyStores() {
    }

    public static Path serverKeyStore() {
        return keyStore("server");
    }

    public static Path clientKeyStore() {
        return keyStore("x509-dev");
    }

    public static Path trustStore() {
        Path file = DIR.resolve("ca.p12");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate("ca.pem"));
            return save(store, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path keyStore(String name) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(SecurityProfile.der(name + ".key")));
            store.setKeyEntry(name, key, PASSWORD.toCharArray(),
                    new Certificate[] {certificate(name + ".pem"), certificate("ca.pem")});
            return save(store, DIR.resolve(name + ".p12"));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Certificate certificate(String fixture) throws GeneralSecurityException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(SecurityProfile.der(fixture)));
    }

    private static Path save(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        Files.createDirectories(DIR);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toAbsolutePath();
    }
}
