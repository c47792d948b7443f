package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The device port every sender uses: each request waits in its device's {@link DeviceLanes} lane, so a device
 * never has two requests in flight, whoever sends them (commands, firmware steps, auto-observe).
 */
public final class LanedDevicePort implements DevicePort {

    private final DevicePort devices;
    private final DeviceLanes lanes;

    public LanedDevicePort(DevicePort devices, DeviceLanes lanes) {
        this.devices = devices;
        this.lanes = lanes;
    }

    @Override
    public void execute(CommandRequest request, Consumer<CommandResult> done) {
        lanes.submit(request.endpoint(), release -> {
            AtomicBoolean once = new AtomicBoolean();
            devices.execute(request, result -> {
                if (once.compareAndSet(false, true)) {
                    release.run();
                    done.accept(result);
                }
            });
        });
    }

    @Override
    public boolean isRegistered(EndpointName endpoint) {
        return devices.isRegistered(endpoint);
    }

    @Override
    public boolean isSleeping(EndpointName endpoint) {
        return devices.isSleeping(endpoint);
    }

    @Override
    public List<DeviceStatus> registeredStatuses() {
        return devices.registeredStatuses();
    }

    @Override
    public CommandResult changeCredentials(CommandRequest request) {
        return devices.changeCredentials(request);
    }
}
