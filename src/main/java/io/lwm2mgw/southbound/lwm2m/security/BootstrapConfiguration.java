package io.lwm2mgw.southbound.lwm2m.security;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the bootstrap server writes to the devices whose endpoint name matches {@code endpoint}: an exact name, or
 * a pattern with {@code *} (any run of characters) and {@code ?} (one character).
 *
 * @param servers the LwM2M servers to configure, each written as a Security (object 0) and a Server
 *                (object 1) instance
 * @param acl     also write an Access Control (object 2) instance per server and object written, giving that
 *                server full rights
 */
public record BootstrapConfiguration(String endpoint, List<ServerEntry> servers, boolean acl) {

    public BootstrapConfiguration {
        Objects.requireNonNull(endpoint);
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("bootstrap entry " + endpoint + " names no server");
        }
    }

    /** Whether this entry names an exact endpoint (it then wins over every pattern). */
    public boolean exact() {
        return endpoint.indexOf('*') < 0 && endpoint.indexOf('?') < 0;
    }

    public boolean matches(String name) {
        if (exact()) {
            return endpoint.equals(name);
        }
        StringBuilder regex = new StringBuilder();
        for (char c : endpoint.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return name.matches(regex.toString());
    }

    /**
     * One LwM2M server for the device.
     *
     * @param uri           {@code coap://host:5683} or {@code coaps://host:5684}
     * @param shortServerId 1..65534
     * @param lifetime      registration lifetime, seconds
     * @param binding       {@code U} or {@code UQ}
     * @param security      {@code nosec}; or {@code psk}, {@code rpk}, {@code x509}: the device's own credentials
     *                      from the credentials file are written (its PSK; its public and private key; its
     *                      certificate and private key), so it registers with exactly the credentials the
     *                      gateway expects
     * @param serverPublicKey   for {@code rpk}: the server's public key to write, when the server is not this
     *                          gateway (default: the gateway's own)
     * @param serverCertificate for {@code x509}: the server's certificate to write, when the server is not this
     *                          gateway (default: the first of the gateway's chain)
     */
    public record ServerEntry(String uri, int shortServerId, long lifetime, String binding, String security,
            Optional<PublicKey> serverPublicKey, Optional<X509Certificate> serverCertificate) {

        public static final Set<String> MODES = Set.of("nosec", "psk", "rpk", "x509");

        public ServerEntry(String uri, int shortServerId, long lifetime, String binding, String security) {
            this(uri, shortServerId, lifetime, binding, security, Optional.empty(), Optional.empty());
        }

        public ServerEntry {
            Objects.requireNonNull(uri);
            Objects.requireNonNull(binding);
            Objects.requireNonNull(serverPublicKey);
            Objects.requireNonNull(serverCertificate);
            if (!MODES.contains(security)) {
                throw new IllegalArgumentException("server " + uri + ": security must be nosec, psk, rpk or x509, not "
                        + security);
            }
            if (shortServerId < 1 || shortServerId > 65534) {
                throw new IllegalArgumentException("server " + uri + ": shortServerId must be 1..65534");
            }
        }
    }
}
