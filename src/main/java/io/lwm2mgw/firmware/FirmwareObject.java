package io.lwm2mgw.firmware;

import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.firmware.FirmwareDelivery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;

/** The Firmware Update object (spec E.6) as an update reads it: its paths and what its values mean. Pure. */
final class FirmwareObject {

    static final Lwm2mPath OBJECT_INSTANCE = Lwm2mPath.parse("/5/0");
    static final Lwm2mPath PACKAGE = Lwm2mPath.parse("/5/0/0");
    static final Lwm2mPath PACKAGE_URI = Lwm2mPath.parse("/5/0/1");
    static final Lwm2mPath UPDATE = Lwm2mPath.parse("/5/0/2");
    static final Lwm2mPath STATE = Lwm2mPath.parse("/5/0/3");
    static final Lwm2mPath UPDATE_RESULT = Lwm2mPath.parse("/5/0/5");
    static final Lwm2mPath PROTOCOL_SUPPORT = Lwm2mPath.parse("/5/0/8");
    static final Lwm2mPath DELIVERY_METHOD = Lwm2mPath.parse("/5/0/9");
    static final Lwm2mPath FIRMWARE_VERSION = Lwm2mPath.parse("/3/0/3");

    private FirmwareObject() {
    }

    /**
     * Whether the image is pushed (Block1 writes of Package) rather than pulled from a URI: as the command
     * says, or for {@code auto} by Firmware Update Delivery Method (/5/0/9: 0 pull only, 1 push only, 2 both),
     * pushing when both work because a push keeps the transfer under the gateway's control.
     */
    static boolean push(FirmwareDelivery delivery, Optional<Integer> deliveryMethod) {
        switch (delivery) {
            case PUSH:
                return true;
            case PULL:
                return false;
            default:
                return deliveryMethod.orElse(1) != 0;
        }
    }

    /**
     * Why the device cannot pull over the gateway's URI, if it cannot: its Firmware Update Protocol Support
     * (/5/0/8, 0 CoAP, 1 CoAPS) does not list the scheme its registration uses. A device that lists none is tried.
     */
    static Optional<String> cannotPull(SortedMap<Lwm2mPath, ResourceValue> object, boolean secure) {
        List<Integer> protocols = object.entrySet().stream()
                .filter(e -> e.getKey().depth() == 4 && e.getKey().resourceId() == PROTOCOL_SUPPORT.resourceId())
                .map(e -> integer(Map.of(e.getKey(), e.getValue()), e.getKey()).orElse(-1)).toList();
        int needed = secure ? 1 : 0;
        if (!protocols.isEmpty() && !protocols.contains(needed)) {
            return Optional.of("the device cannot pull over " + (secure ? "CoAPS" : "CoAP") + " (protocol support "
                    + protocols + ")");
        }
        return Optional.empty();
    }

    /** An integer resource, also when a device sends it as text. */
    static Optional<Integer> integer(Map<Lwm2mPath, ResourceValue> values, Lwm2mPath path) {
        ResourceValue value = values.get(path);
        if (value instanceof ResourceValue.IntegerValue i) {
            return Optional.of((int) i.value());
        }
        if (value instanceof ResourceValue.UnsignedValue u) {
            return Optional.of(u.value().intValue());
        }
        if (value instanceof ResourceValue.StringValue s) {
            try {
                return Optional.of(Integer.parseInt(s.value().trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    static String text(ResourceValue value) {
        if (value instanceof ResourceValue.StringValue s) {
            return s.value();
        }
        return value.toString();
    }

    /** When a download's progress is worth an event: at each further tenth of the image, or every 2 s. */
    static final class ProgressReports {
        private long lastReported = -1;
        private long lastReportedAt;

        boolean due(long bytes, long total, long nowNanos) {
            boolean tenth = bytes * 10 / total > lastReported * 10 / total;
            if (tenth || nowNanos - lastReportedAt > TimeUnit.SECONDS.toNanos(2)) {
                lastReported = bytes;
                lastReportedAt = nowNanos;
                return true;
            }
            return false;
        }
    }
}
