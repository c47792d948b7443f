package io.lwm2mgw.firmware;

import static io.lwm2mgw.firmware.FirmwareObject.OBJECT_INSTANCE;
import static io.lwm2mgw.firmware.FirmwareObject.STATE;
import static io.lwm2mgw.firmware.FirmwareObject.UPDATE_RESULT;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import java.time.Duration;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ScheduledFuture;
import org.jboss.logging.Logger;

/**
 * How an update learns the device's State and Update Result: it observes /5/0/3 and /5/0/5, and polls /5/0
 * every {@code pollInterval} instead when the device refuses to be observed. Runs on the firmware flow's
 * thread, like the update it serves.
 */
final class StateWatch {

    private static final Logger LOG = Logger.getLogger(StateWatch.class);

    /** What the watch needs of its update. */
    interface Update extends IdleReset.Update {
        /** Values of /5/0, /5/0/3 or /5/0/5 the device answered or notified. */
        void report(SortedMap<Lwm2mPath, ResourceValue> values);
    }

    private final Update update;
    private final CommandRequest request;
    private final EndpointName endpoint;
    private final FirmwareUpdateFlow flow;
    private ScheduledFuture<?> polls;

    StateWatch(Update update, CommandRequest request, FirmwareUpdateFlow flow) {
        this.update = update;
        this.request = request;
        this.endpoint = request.endpoint();
        this.flow = flow;
    }

    /** Whether the device is polled because it refused to be observed. */
    boolean polling() {
        return polls != null;
    }

    /** Observes State, then Update Result (or polls), then goes on with {@code next} unless the update ended. */
    void watch(Runnable next) {
        observe(STATE, () -> observe(UPDATE_RESULT, next));
    }

    /** Stops polling; observations are cancelled by the update, which knows whether the device is still there. */
    void stop() {
        if (polls != null) {
            polls.cancel(false);
        }
    }

    private void observe(Lwm2mPath path, Runnable next) {
        if (polling()) {
            next.run();
            return;
        }
        update.send(new DeviceCommand.ObserveResource(path, Optional.empty()), r -> {
            if (r.status() == CommandStatus.SUCCESS) {
                update.report(r.values());
            } else if (r.status() == CommandStatus.DEVICE_ERROR) {
                Duration every = flow.pollInterval();
                LOG.infof("%s refuses to be observed on %s (%s): polling every %d s", endpoint, path,
                        r.code().orElse("?"), every.toSeconds());
                polls = flow.scheduleRepeating(UpdateLogContext.bound(request, this::poll), every);
            } else {
                update.fail(r.status(), r.code(), "cannot observe " + path + ": "
                        + r.error().orElse(r.status().wireName()));
                return;
            }
            if (!update.ended()) {
                next.run();
            }
        });
    }

    private void poll() {
        if (!update.ended()) {
            update.send(new DeviceCommand.ReadResource(OBJECT_INSTANCE, Optional.empty()), this::polled);
        }
    }

    private void polled(CommandResult r) {
        if (r.status() == CommandStatus.SUCCESS) {
            update.report(r.values());
        }
    }
}
