package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.function.Consumer;

/** The seam to the devices, implemented by the southbound. */
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

    /** Registers the one observer of presence changes (the router); called once at start. */
    void observePresence(PresenceObserver observer);

    /**
     * Adds, replaces or removes the credentials a device must present ({@code credentials-put} and
     * {@code credentials-delete}); returns the final result at once. The device need not be registered.
     */
    default CommandResult changeCredentials(CommandRequest request) {
        return CommandResult.of(request, java.time.Instant.now(), io.lwm2mgw.domain.command.CommandStatus.INVALID,
                "credential provisioning is not available");
    }

    /** Presence changes that matter to waiting commands. Called on protocol threads: return fast. */
    interface PresenceObserver {
        /** The device can be reached now. */
        void awake(EndpointName endpoint);

        /** The device's registration ended (de-registered or expired): its waiting commands are void. */
        void gone(EndpointName endpoint);
    }
}
