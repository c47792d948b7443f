package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.List;
import java.util.function.Consumer;

/**
 * The seam to the devices, implemented by the southbound. Senders never use the southbound's implementation
 * directly: they go through {@link LanedDevicePort}, which keeps one request in flight per device. Presence
 * changes (awake, updated, gone) reach the router as events on the bus.
 */
public interface DevicePort {

    /**
     * Sends one command to its device and calls {@code done} exactly once with the final result, on whatever
     * thread the answer arrives; never blocks the caller. Validation that needs the device's object model
     * (value types, writable resources) happens here, before anything is sent.
     */
    void execute(CommandRequest request, Consumer<CommandResult> done);

    /** Whether the device has a live registration. */
    boolean isRegistered(EndpointName endpoint);

    /** Whether the device is registered in queue mode and asleep now (requests would not reach it). */
    boolean isSleeping(EndpointName endpoint);

    /** The status of every live registration (the northbound publishes them again when a broker forgot them). */
    List<DeviceStatus> registeredStatuses();

    /**
     * Adds, replaces or removes the credentials a device must present ({@code credentials-put} and
     * {@code credentials-delete}); returns the final result at once. The device need not be registered.
     */
    CommandResult changeCredentials(CommandRequest request);
}
