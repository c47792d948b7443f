package io.lwm2mgw.southbound.lwm2m.security;

import java.util.List;
import java.util.Objects;
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
     * @param security      {@code nosec}, or {@code psk}: the device's own PSK from the credentials file is
     *                      written, so it registers with exactly the credentials the gateway expects
     */
    public record ServerEntry(String uri, int shortServerId, long lifetime, String binding, String security) {
        public ServerEntry {
            Objects.requireNonNull(uri);
            Objects.requireNonNull(binding);
            if (!security.equals("nosec") && !security.equals("psk")) {
                throw new IllegalArgumentException("server " + uri + ": security must be nosec or psk");
            }
            if (shortServerId < 1 || shortServerId > 65534) {
                throw new IllegalArgumentException("server " + uri + ": shortServerId must be 1..65534");
            }
        }
    }
}
