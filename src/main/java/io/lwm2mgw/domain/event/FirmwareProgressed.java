package io.lwm2mgw.domain.event;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A step of a firmware update of one device, as the contract's {@code firmware} event publishes it.
 *
 * @param commandId      the firmware-update command this update belongs to
 * @param state          the step reached
 * @param bytesSent      bytes of the image delivered so far (pushed, or served to a pulling device)
 * @param bytesTotal     the image's size
 * @param updateResult   the device's Update Result /5/0/5, when known
 * @param firmwareVersion the device's Firmware Version /3/0/3 after a successful update, when it has one
 * @param detail         a human-readable reason for a failure
 */
public record FirmwareProgressed(Instant time, EndpointName endpoint, String commandId, Step state,
        long bytesSent, long bytesTotal, Optional<Integer> updateResult, Optional<String> firmwareVersion,
        Optional<String> detail) implements DeviceEvent {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.firmware(this);
    }


    public FirmwareProgressed {
        Objects.requireNonNull(time);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(commandId);
        Objects.requireNonNull(state);
        Objects.requireNonNull(updateResult);
        Objects.requireNonNull(firmwareVersion);
        Objects.requireNonNull(detail);
    }

    /** The steps of the contract, in the order an update goes through them. */
    public enum Step {
        STARTED, DOWNLOADING, DOWNLOADED, UPDATING, SUCCEEDED, FAILED;

        /** The contract's spelling. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The meaning of an Update Result code (spec E.6, resource 5). */
    public static String updateResultText(int code) {
        switch (code) {
            case 0: return "initial value";
            case 1: return "firmware updated successfully";
            case 2: return "not enough flash memory for the new firmware package";
            case 3: return "out of RAM during downloading process";
            case 4: return "connection lost during downloading process";
            case 5: return "integrity check failure for new downloaded package";
            case 6: return "unsupported package type";
            case 7: return "invalid URI";
            case 8: return "firmware update failed";
            case 9: return "unsupported protocol";
            default: return "unknown update result " + code;
        }
    }
}
