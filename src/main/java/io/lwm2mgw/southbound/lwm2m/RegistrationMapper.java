package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.server.registration.Registration;

/** Translates Leshan registrations into our status documents. Pure. */
final class RegistrationMapper {

    private RegistrationMapper() {
    }

    static DeviceStatus toStatus(Registration reg, DeviceState state) {
        String root = rootPath(reg.getRootPath());
        return new DeviceStatus(
                EndpointName.of(reg.getEndpoint()),
                state,
                reg.getId(),
                reg.getLwM2mVersion().toString(),
                binding(reg.getBindingMode()),
                reg.getLifeTimeInSec(),
                reg.usesQueueMode(),
                address(reg.getSocketAddress()),
                Optional.ofNullable(reg.getSmsNumber()).filter(s -> !s.isEmpty()),
                Optional.of(root).filter(r -> !r.equals("/")),
                objects(reg.getObjectLinks(), root));
    }

    /** The alternate path without a trailing slash; {@code /} when there is none. */
    static String rootPath(String raw) {
        if (raw == null || raw.isEmpty() || raw.equals("/")) {
            return "/";
        }
        return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
    }

    /** Binding letters in the spec's order, e.g. {@code UQ}. */
    static String binding(EnumSet<BindingMode> modes) {
        StringBuilder sb = new StringBuilder();
        for (BindingMode mode : modes) {
            sb.append(mode.name());
        }
        return sb.toString();
    }

    static String address(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The object and instance links without the alternate path; the root link itself is left out. */
    static List<String> objects(Link[] links, String root) {
        List<String> objects = new ArrayList<>();
        if (links == null) {
            return objects;
        }
        String prefix = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        for (Link link : links) {
            String uri = link.getUriReference();
            if (!prefix.isEmpty() && uri.startsWith(prefix + "/")) {
                uri = uri.substring(prefix.length());
            }
            try {
                Lwm2mPath path = Lwm2mPath.parse(uri);
                if (path.depth() >= 1 && path.depth() <= 2) {
                    objects.add(path.toString());
                }
            } catch (IllegalArgumentException notAnObjectLink) {
                // the root link "</>;rt=oma.lwm2m" and foreign links carry no object
            }
        }
        return objects;
    }

    /** The status fields that differ between two registrations of one device, with their new values. */
    static Map<String, Object> changes(DeviceStatus before, DeviceStatus after) {
        Map<String, Object> changes = new LinkedHashMap<>();
        if (before.lifetimeSeconds() != after.lifetimeSeconds()) {
            changes.put("lifetime", after.lifetimeSeconds());
        }
        if (!before.binding().equals(after.binding())) {
            changes.put("binding", after.binding());
        }
        if (before.queueMode() != after.queueMode()) {
            changes.put("queueMode", after.queueMode());
        }
        if (!before.smsNumber().equals(after.smsNumber())) {
            changes.put("smsNumber", after.smsNumber().orElse(""));
        }
        if (!before.address().equals(after.address())) {
            changes.put("address", after.address());
            changes.put("previousAddress", before.address());
        }
        if (!Objects.equals(before.objects(), after.objects())) {
            changes.put("objects", after.objects());
        }
        return changes;
    }
}
