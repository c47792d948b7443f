package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import java.util.function.Consumer;

/** The seam to the devices, implemented by the southbound. */
public interface DevicePort {

    /**
     * Sends one command to its device and calls {@code done} exactly once with the final result, on whatever
     * thread the answer arrives; never blocks the caller. Validation that needs the device's object model
     * (value types, writable resources) happens here, before anything is sent.
     */
    void execute(CommandRequest request, Consumer<CommandResult> done);
}
