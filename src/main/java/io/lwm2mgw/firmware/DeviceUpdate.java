package io.lwm2mgw.firmware;

import static io.lwm2mgw.firmware.FirmwareObject.DELIVERY_METHOD;
import static io.lwm2mgw.firmware.FirmwareObject.FIRMWARE_VERSION;
import static io.lwm2mgw.firmware.FirmwareObject.OBJECT_INSTANCE;
import static io.lwm2mgw.firmware.FirmwareObject.PACKAGE_URI;
import static io.lwm2mgw.firmware.FirmwareObject.STATE;
import static io.lwm2mgw.firmware.FirmwareObject.UPDATE;
import static io.lwm2mgw.firmware.FirmwareObject.UPDATE_RESULT;
import static io.lwm2mgw.firmware.FirmwareObject.integer;
import static io.lwm2mgw.firmware.UpdateLogContext.bound;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.WriteMode;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.event.FirmwareProgressed;
import io.lwm2mgw.domain.event.FirmwareProgressed.Step;
import io.lwm2mgw.domain.firmware.FirmwareDelivery;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.firmware.FirmwareProgressRules.Action;
import io.lwm2mgw.firmware.FirmwareProgressRules.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One device's firmware update, step by step (spec E.6): image, delivery method, observation of State and
 * Update Result (or polling), push or pull, Update, and the result read back after the reboot. Confined to the
 * flow's single thread: every callback hops onto it through {@link FirmwareUpdateFlow#onFlowThread}.
 */
final class DeviceUpdate implements StateWatch.Update, PackageDelivery.Update {

    private static final Logger LOG = Logger.getLogger(DeviceUpdate.class);

    private final FirmwareUpdateFlow flow;
    private final CommandRequest request;
    private final DeviceCommand.UpdateFirmware command;
    private final Consumer<CommandResult> done;

    private FirmwareImage image;
    /** How the image reaches the device, once the delivery method is known. */
    private PackageDelivery delivery;
    private Phase phase;
    private final StateWatch watch;
    private boolean ended;
    private Optional<Integer> state = Optional.empty();
    private Optional<Integer> updateResult = Optional.empty();
    private Optional<Integer> deliveryMethod = Optional.empty();
    /** Set once the device's state machine had to be reset to Idle before delivery. */
    private IdleReset reset;
    /** The whole update's deadline. */
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> stepTimer;
    private int internalIds;

    DeviceUpdate(FirmwareUpdateFlow flow, CommandRequest request, Consumer<CommandResult> done) {
        this.flow = flow;
        this.request = request;
        this.command = (DeviceCommand.UpdateFirmware) request.command();
        this.done = done;
        this.watch = new StateWatch(this, request, flow);
    }

    CommandRequest request() {
        return request;
    }

    void start() {
        deadline = timeout("the update did not end within its timeout of " + request.timeout().toSeconds() + " s",
                request.timeout());
        flow.images().resolve(command.image()).whenComplete((img, error) -> flow.onFlowThread(bound(request, () -> {
            if (ended) {
                return;
            }
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                fail(CommandStatus.FAILED, Optional.empty(), cause instanceof ImageUnavailable
                        ? cause.getMessage() : "image unavailable: " + cause);
                return;
            }
            image = img;
            flow.images().pin(img);
            emit(Step.STARTED, Optional.empty(), Optional.empty(), Optional.empty());
            if (command.delivery() == FirmwareDelivery.AUTO) {
                send(new DeviceCommand.ReadResource(OBJECT_INSTANCE, Optional.empty()), r -> chooseDelivery(
                        r.status() == CommandStatus.SUCCESS ? r.values() : new TreeMap<>()));
            } else {
                chooseDelivery(new TreeMap<>());
            }
        })));
    }

    private void chooseDelivery(SortedMap<Lwm2mPath, ResourceValue> object) {
        deliveryMethod = integer(object, DELIVERY_METHOD);
        boolean push = FirmwareObject.push(command.delivery(), deliveryMethod);
        delivery = new PackageDelivery(this, flow, request, image, push);
        if (!push) {
            Optional<String> refusal = FirmwareObject.cannotPull(object,
                    flow.transfer().registeredSecurely(request.endpoint()));
            if (refusal.isPresent()) {
                fail(CommandStatus.FAILED, Optional.empty(), refusal.get());
                return;
            }
        }
        watch.watch(() -> whenIdle(this::beginDownload));
    }

    /**
     * A package is accepted in Idle only (spec E.6): a device an earlier update left in Downloading or
     * Downloaded refuses it, and executing Update would install that earlier package. So read State first and,
     * when it is not Idle, reset the state machine and wait for Idle.
     */
    private void whenIdle(Runnable next) {
        send(new DeviceCommand.ReadResource(STATE, Optional.empty()), r -> {
            if (r.status() != CommandStatus.SUCCESS) {
                fail(r.status(), r.code(), "cannot read the firmware State: " + r.error().orElse(r.status().wireName()));
                return;
            }
            report(r.values());
            int current = state.orElse(FirmwareProgressRules.IDLE);
            if (current == FirmwareProgressRules.IDLE) {
                next.run();
                return;
            }
            LOG.infof("%s is in firmware State %d, not Idle: resetting its state machine before update %s",
                    request.endpoint(), current, request.id());
            stepTimer = timeout("the device did not return to Idle within " + flow.downloadTimeout().toSeconds()
                    + " s", flow.downloadTimeout());
            reset = new IdleReset(this, deliveryMethod.orElse(2) == 1);
            reset.start(current, next);
        });
    }

    @Override
    public void readState() {
        readAndReport(STATE, () -> { });
    }

    @Override
    public boolean ended() {
        return ended;
    }

    private void beginDownload() {
        phase = Phase.DOWNLOADING;
        stepTimer = timeout("the device did not report "
                + "Downloaded within " + flow.downloadTimeout().toSeconds() + " s", flow.downloadTimeout());
        emit(Step.DOWNLOADING, Optional.empty(), Optional.empty(), Optional.empty());
        delivery.begin();
    }

    @Override
    public boolean downloading() {
        return phase == Phase.DOWNLOADING;
    }

    @Override
    public void progressed() {
        emit(Step.DOWNLOADING, Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public boolean fetchedWhole() {
        if (state.orElse(-1) == FirmwareProgressRules.DOWNLOADED) {
            report(new TreeMap<>()); // its Downloaded came before the last block's hand-off
            return true;
        }
        return false;
    }

    @Override
    public void pushed(FirmwareTransferPort.PushOutcome outcome) {
        if (ended) {
            return;
        }
        if (!outcome.success()) {
            // the device may have refused the package and set its Update Result: read it to say why
            readAndReport(OBJECT_INSTANCE, () -> {
                if (!ended) {
                    fail(outcome.code().isPresent() ? CommandStatus.DEVICE_ERROR : CommandStatus.FAILED,
                            outcome.code(), "pushing the package failed: " + outcome.error().orElse("?"));
                }
            });
            return;
        }
        delivery.pushSucceeded();
        readAndReport(OBJECT_INSTANCE, () -> { });
    }

    /** Values of /5/0, /5/0/3 or /5/0/5 from a read, an observe response or a notification. */
    @Override
    public void report(SortedMap<Lwm2mPath, ResourceValue> values) {
        if (ended) {
            return;
        }
        integer(values, STATE).ifPresent(s -> state = Optional.of(s));
        integer(values, UPDATE_RESULT).ifPresent(r -> updateResult = Optional.of(r));
        if (reset != null && reset.waiting()) {
            int current = state.orElse(-1);
            if (current == FirmwareProgressRules.IDLE) {
                cancelStepTimer();
                updateResult = Optional.empty();
            }
            reset.stateReported(current);
            return;
        }
        if (phase == null) {
            return;
        }
        Action action = FirmwareProgressRules.decide(phase, state, updateResult);
        switch (action) {
            case DOWNLOADED:
                if (delivery.delivered()) {
                    downloaded();
                }
                // else the Downloaded is not (yet) ours: never execute Update on a package we did not deliver
                break;
            case SUCCEEDED:
                succeeded();
                break;
            case FAILED:
                int code = updateResult.orElse(8);
                emitFailure(Optional.of(code), "Update Result " + code + ": "
                        + FirmwareProgressed.updateResultText(code));
                end(result(CommandStatus.DEVICE_ERROR, Optional.empty(), "Update Result " + code + ": "
                        + FirmwareProgressed.updateResultText(code), new TreeMap<>(Map.of(UPDATE_RESULT,
                                new ResourceValue.IntegerValue(code)))));
                break;
            default:
                break;
        }
    }

    private void downloaded() {
        cancelStepTimer();
        delivery.downloaded();
        emit(Step.DOWNLOADED, Optional.empty(), Optional.empty(), Optional.empty());
        if (!command.executeUpdate()) {
            phase = null;
            end(result(CommandStatus.SUCCESS, Optional.empty(), null, new TreeMap<>(Map.of(STATE,
                    new ResourceValue.IntegerValue(FirmwareProgressRules.DOWNLOADED)))));
            return;
        }
        phase = Phase.UPDATING;
        updateResult = Optional.empty();
        stepTimer = timeout("the device did not report "
                + "an Update Result within " + flow.updateTimeout().toSeconds() + " s", flow.updateTimeout());
        send(new DeviceCommand.ExecuteResource(UPDATE, Optional.empty()), r -> {
            if (r.status() == CommandStatus.SUCCESS) {
                emit(Step.UPDATING, Optional.empty(), Optional.empty(), Optional.empty());
            } else if (r.status() != CommandStatus.TIMEOUT) {
                fail(r.status(), r.code(), "executing Update failed: " + r.error().orElse(r.status().wireName()));
            }
            // a timeout here is normal when the device reboots at once: its Update Result tells
        });
    }

    private void succeeded() {
        phase = null;
        cancelStepTimer();
        send(new DeviceCommand.ReadResource(FIRMWARE_VERSION, Optional.empty()), r -> {
            Optional<String> version = r.status() == CommandStatus.SUCCESS
                    ? Optional.ofNullable(r.values().get(FIRMWARE_VERSION)).map(FirmwareObject::text)
                    : Optional.empty();
            emit(Step.SUCCEEDED, Optional.of(FirmwareProgressRules.SUCCESS), version, Optional.empty());
            SortedMap<Lwm2mPath, ResourceValue> values = new TreeMap<>();
            values.put(UPDATE_RESULT, new ResourceValue.IntegerValue(FirmwareProgressRules.SUCCESS));
            version.ifPresent(v -> values.put(FIRMWARE_VERSION, new ResourceValue.StringValue(v)));
            end(result(CommandStatus.SUCCESS, Optional.empty(), null, values));
        });
    }

    /** The device registered again: after a reboot its observations are gone, so read and observe anew. */
    void reregistered() {
        if (ended || phase == null) {
            return;
        }
        readAndReport(OBJECT_INSTANCE, () -> {
            if (!ended && phase != null && !watch.polling()) {
                watch.watch(() -> { });
            }
        });
    }

    /** The registration ended: fatal while the image is on its way, a normal reboot while updating. */
    void gone() {
        if (!ended && phase == Phase.DOWNLOADING) {
            fail(CommandStatus.FAILED, Optional.empty(), "the device's registration ended during the download");
        }
    }

    /** Ends the update now because the gateway stops: no result is owed to anyone but the router. */
    void abandon(String reason) {
        if (!ended) {
            end(result(CommandStatus.CANCELLED, Optional.empty(), reason, new TreeMap<>()));
        }
    }

    @Override
    public void fail(CommandStatus status, Optional<String> code, String reason) {
        if (ended) {
            return;
        }
        emitFailure(updateResult.filter(r -> r >= 2), reason);
        if (phase == Phase.DOWNLOADING && !delivery.push() && status == CommandStatus.TIMEOUT) {
            // an empty Package URI puts the device back to Idle (spec E.6)
            send(new DeviceCommand.WriteResource(PACKAGE_URI, WriteMode.REPLACE,
                    Map.of(PACKAGE_URI, new CommandValue.Text("")), Optional.empty()), r -> { });
        }
        end(result(status, code, reason, new TreeMap<>()));
    }

    private void emitFailure(Optional<Integer> code, String reason) {
        emit(Step.FAILED, code, Optional.empty(), Optional.of(reason));
    }

    private void end(CommandResult result) {
        if (ended) {
            return;
        }
        ended = true;
        cancelStepTimer();
        deadline.cancel(false);
        if (delivery != null) {
            delivery.stop();
        }
        if (image != null) {
            flow.images().unpin(image);
        }
        watch.stop();
        if (!watch.polling() && result.status() != CommandStatus.CANCELLED) {
            send(new DeviceCommand.CancelObservation(STATE), r -> { });
            send(new DeviceCommand.CancelObservation(UPDATE_RESULT), r -> { });
        }
        LOG.infof("firmware update %s of %s ended %s%s", request.id(), request.endpoint(),
                result.status().wireName(), result.error().map(e -> ": " + e).orElse(""));
        flow.ended(this);
        done.accept(result);
    }

    private void cancelStepTimer() {
        if (stepTimer != null) {
            stepTimer.cancel(false);
            stepTimer = null;
        }
    }

    private void emit(Step step, Optional<Integer> result, Optional<String> version, Optional<String> detail) {
        long total = image == null ? 0 : image.size();
        flow.publish(new FirmwareProgressed(flow.now(), request.endpoint(), request.id(), step,
                step == Step.STARTED || delivery == null ? 0 : delivery.bytesSent(), total, result, version, detail));
    }

    private CommandResult result(CommandStatus status, Optional<String> code, String error,
            SortedMap<Lwm2mPath, ResourceValue> values) {
        return new CommandResult(Optional.of(request.id()), Optional.of(request.endpoint()),
                Optional.of(command.op()), Optional.of(command.path()), flow.now(), status, code, values, List.of(),
                Optional.empty(), Optional.ofNullable(error), request.replyTo());
    }

    /** Reads {@code path} and reports what the device answered, then goes on (whatever the answer). */
    private void readAndReport(Lwm2mPath path, Runnable then) {
        send(new DeviceCommand.ReadResource(path, Optional.empty()), r -> {
            if (r.status() == CommandStatus.SUCCESS) {
                report(r.values());
            }
            then.run();
        });
    }

    /** Ends the update {@code timeout} unless the step that set it is over within {@code limit}. */
    private ScheduledFuture<?> timeout(String reason, Duration limit) {
        return flow.schedule(bound(request, () -> fail(CommandStatus.TIMEOUT, Optional.empty(), reason)), limit);
    }

    /** Sends one request of this update; the answer is handled on the flow's thread unless the update ended. */
    @Override
    public void send(DeviceCommand step, Consumer<CommandResult> then) {
        CommandRequest internal = new CommandRequest(request.id() + "#" + (++internalIds), request.endpoint(), step,
                flow.requestTimeout(), Duration.ZERO, flow.now(), Optional.empty());
        flow.devices().execute(internal, r -> flow.onFlowThread(bound(request, () -> {
            if (!ended || step instanceof DeviceCommand.CancelObservation || step instanceof DeviceCommand.WriteResource) {
                then.accept(r);
            }
        })));
    }
}
