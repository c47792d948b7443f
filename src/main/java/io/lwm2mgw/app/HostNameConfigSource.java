package io.lwm2mgw.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * {@code HOSTNAME} when the environment has none: bash sets it but does not export it, so a gateway started
 * from a shell would otherwise be {@code lwm2m-gateway} on every host. The lowest ordinal: the environment
 * (the pod name on Kubernetes) and any configuration win. Read when asked, never at build time.
 */
public final class HostNameConfigSource implements ConfigSource {

    static final String NAME = "HOSTNAME";

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(NAME);
    }

    @Override
    public String getValue(String propertyName) {
        if (!NAME.equals(propertyName)) {
            return null;
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return host == null || host.isBlank() ? null : host;
        } catch (UnknownHostException e) {
            return null; // the configured fallback, lwm2m-gateway, applies
        }
    }

    @Override
    public Map<String, String> getProperties() {
        String value = getValue(NAME);
        return value == null ? Map.of() : Map.of(NAME, value);
    }

    @Override
    public int getOrdinal() {
        return 10;
    }

    @Override
    public String getName() {
        return "host name";
    }
}
