package io.lwm2mgw.southbound.lwm2m.security;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.leshan.servers.security.SecurityInfo;

/**
 * The credentials one device must present to use its endpoint name: exactly one of a pre-shared key (identity
 * and key), a raw public key, or an X.509 certificate whose subject CN is given.
 */
public record DeviceCredentials(String endpoint, Optional<String> pskIdentity, Optional<byte[]> pskKey,
        Optional<PublicKey> publicKey, Optional<String> x509Subject) {

    public DeviceCredentials {
        Objects.requireNonNull(endpoint);
        int kinds = (pskIdentity.isPresent() ? 1 : 0) + (publicKey.isPresent() ? 1 : 0)
                + (x509Subject.isPresent() ? 1 : 0);
        if (kinds != 1 || pskIdentity.isPresent() != pskKey.isPresent()) {
            throw new IllegalArgumentException("device " + endpoint + " needs exactly one of psk, rpk, x509");
        }
    }

    public static DeviceCredentials psk(String endpoint, String identity, byte[] key) {
        return new DeviceCredentials(endpoint, Optional.of(identity), Optional.of(key.clone()), Optional.empty(),
                Optional.empty());
    }

    public static DeviceCredentials rpk(String endpoint, PublicKey key) {
        return new DeviceCredentials(endpoint, Optional.empty(), Optional.empty(), Optional.of(key),
                Optional.empty());
    }

    public static DeviceCredentials x509(String endpoint, String subject) {
        return new DeviceCredentials(endpoint, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(subject));
    }

    /** Leshan's view of these credentials (the DTLS handshake looks PSKs up through it). */
    public SecurityInfo toSecurityInfo() {
        if (pskIdentity.isPresent()) {
            return SecurityInfo.newPreSharedKeyInfo(endpoint, pskIdentity.get(), pskKey.orElseThrow());
        }
        if (publicKey.isPresent()) {
            return SecurityInfo.newRawPublicKeyInfo(endpoint, publicKey.get());
        }
        return SecurityInfo.newX509CertInfo(endpoint);
    }

    /** {@code psk}, {@code rpk} or {@code x509}. */
    public String mode() {
        return pskIdentity.isPresent() ? "psk" : publicKey.isPresent() ? "rpk" : "x509";
    }

    /** Same credentials (records compare arrays by identity, keys must compare by content). */
    public boolean sameAs(DeviceCredentials other) {
        return endpoint.equals(other.endpoint) && pskIdentity.equals(other.pskIdentity)
                && Arrays.equals(pskKey.orElse(null), other.pskKey.orElse(null))
                && publicKey.equals(other.publicKey) && x509Subject.equals(other.x509Subject);
    }

    /** What no two endpoints may share: the PSK identity, the public key or the certificate subject. */
    public String uniqueKey() {
        return pskIdentity.map(i -> "PSK identity " + i)
                .or(() -> publicKey.map(k -> "public key " + java.util.Base64.getEncoder().encodeToString(
                        k.getEncoded())))
                .orElseGet(() -> "x509 subject " + x509Subject.orElseThrow());
    }

    /** The same without key material, for messages. */
    public String uniqueKeyForHumans() {
        return publicKey.isPresent() ? "public key" : uniqueKey();
    }

    /** No key material: fit for logs. */
    @Override
    public String toString() {
        return "DeviceCredentials[" + endpoint + ", " + mode() + pskIdentity.map(i -> " identity " + i).orElse("")
                + x509Subject.map(s -> " CN=" + s).orElse("")
                + publicKey.map(k -> " key " + HexFormat.of().formatHex(k.getEncoded(), 0, 8) + "...").orElse("")
                + "]";
    }
}
