package io.lwm2mgw.firmware;

import static io.lwm2mgw.firmware.FirmwareObject.PACKAGE;
import static io.lwm2mgw.firmware.FirmwareObject.PACKAGE_URI;

import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.WriteMode;
import io.lwm2mgw.domain.device.Lwm2mPath;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Brings a device's Firmware Update state machine back to Idle before a new package is delivered (spec E.6):
 * a device an earlier update left in Downloading or Downloaded refuses a new package, and executing Update
 * would install the earlier one. An empty Package URI resets it; a push-only device, or one that refuses the
 * empty URI, takes an empty Package instead. An installation under way cannot be reset: it ends in Idle or
 * Downloaded by itself. Runs on the firmware flow's thread, like the update it serves.
 */
final class IdleReset {

    /** What the reset needs of its update. */
    interface Update {
        void send(DeviceCommand request, Consumer<CommandResult> then);

        /** Reads State and reports it, which comes back here through {@link #stateReported}. */
        void readState();

        void fail(CommandStatus status, Optional<String> code, String reason);

        boolean ended();
    }

    private final Update update;
    private final boolean pushOnly;
    private Runnable onIdle;
    private boolean resetSent;

    /** @param pushOnly the device's Delivery Method (/5/0/9) says it takes pushed packages only */
    IdleReset(Update update, boolean pushOnly) {
        this.update = update;
        this.pushOnly = pushOnly;
    }

    /** Whether a reset is under way: states reported now are the reset's, not the delivery's. */
    boolean waiting() {
        return onIdle != null;
    }

    /** Starts the reset from State {@code current}; {@code next} runs once the device reports Idle. */
    void start(int current, Runnable next) {
        onIdle = next;
        if (current != FirmwareProgressRules.UPDATING_STATE) {
            reset(pushOnly);
        }
    }

    /**
     * A State the device reported while the reset waits: Idle ends the wait (true: the caller goes on); any
     * other state after an installation ended is reset now.
     */
    boolean stateReported(int current) {
        if (current == FirmwareProgressRules.IDLE) {
            Runnable next = onIdle;
            onIdle = null;
            next.run();
            return true;
        }
        if (!resetSent && current != FirmwareProgressRules.UPDATING_STATE) {
            reset(pushOnly);
        }
        return false;
    }

    private void reset(boolean emptyPackage) {
        resetSent = true;
        Lwm2mPath target = emptyPackage ? PACKAGE : PACKAGE_URI;
        update.send(new DeviceCommand.WriteResource(target, WriteMode.REPLACE,
                Map.of(target, new CommandValue.Text("")), Optional.empty()), r -> {
                    if (update.ended()) {
                        return;
                    } else if (r.status() == CommandStatus.SUCCESS) {
                        // a device that does not notify the reset is read once; later changes come by observe or poll
                        update.readState();
                    } else if (r.status() == CommandStatus.DEVICE_ERROR && !emptyPackage) {
                        reset(true);
                    } else {
                        update.fail(r.status(), r.code(), "resetting the firmware state machine failed: "
                                + r.error().orElse(r.status().wireName()));
                    }
                });
    }
}
