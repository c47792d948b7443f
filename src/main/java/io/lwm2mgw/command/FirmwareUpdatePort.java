package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import java.util.function.Consumer;

/**
 * The seam to the firmware update flow: a {@code firmware-update} command is not one request but a flow that
 * may last minutes across a reboot of the device. The router hands it over once the device is reachable and
 * frees the device's lane for other commands at once.
 */
public interface FirmwareUpdatePort {

    /**
     * Starts the update; {@code done} is called exactly once with the final result (success or failure of the
     * whole update), on any thread. Never blocks.
     */
    void start(CommandRequest request, Consumer<CommandResult> done);

    /**
     * The gateway stops: every running update ends {@code cancelled} (its command stays stored and starts again
     * with the next gateway). Returns once they have ended, or after a short bound.
     */
    void abandonAll();
}
