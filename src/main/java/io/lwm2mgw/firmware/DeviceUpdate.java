package io.lwm2mgw.firmware;

import io.lwm2mgw.command.DevicePort;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One device's firmware update, step by step (spec E.6): image, delivery method, observation of State and
 * Update Result (or polling), push or pull, Update, and the result read back after the reboot. Confined to the
 * flow's single thread: every callback hops onto it through {@link FirmwareUpdateFlow#onFlowThread}.
 */
final class DeviceUpdate {

    private static final Logger LOG = Logger.getLogger(DeviceUpdate.class);

    static final Lwm2mPath OBJECT_INSTANCE = Lwm2mPath.parse("/5/0");
    static final Lwm2mPath PACKAGE = Lwm2mPath.parse("/5/0/0");
    static final Lwm2mPath PACKAGE_URI = Lwm2mPath.parse("/5/0/1");
    static final Lwm2mPath UPDATE = Lwm2mPath.parse("/5/0/2");
    static final Lwm2mPath STATE = Lwm2mPath.parse("/5/0/3");
    static final Lwm2mPath UPDATE_RESULT = Lwm2mPath.parse("/5/0/5");
    static final Lwm2mPath PROTOCOL_SUPPORT = Lwm2mPath.parse("/5/0/8");
    static final Lwm2mPath DELIVERY_METHOD = Lwm2mPath.parse("/5/0/9");
    static final Lwm2mPath FIRMWARE_VERSION = Lwm2mPath.parse("/3/0/3");

    private final FirmwareUpdateFlow flow;
    private final CommandRequest request;
    private final DeviceCommand.UpdateFirmware command;
    private final Consumer<CommandResult> done;

    private FirmwareImage image;
    private boolean push;
    private Phase phase;
    private boolean polling;
    private boolean ended;
    private Optional<Integer> state = Optional.empty();
    private Optional<Integer> updateResult = Optional.empty();
    private Optional<Integer> deliveryMethod = Optional.empty();
    /** This update's own image reached the device whole: the only case in which Update may be executed. */
    private boolean delivered;
    /** Set while the device's state machine is being reset: what to do once it reports Idle. */
    private Runnable onIdle;
    private boolean resetSent;
    private long bytesSent;
    private long lastReported = -1;
    private long lastReportedAt;
    private FirmwareTransferPort.Transfer transfer;
    private FirmwareTransferPort.PullOffer offer;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private ScheduledFuture<?> stepTimer;
    private int internalIds;

    DeviceUpdate(FirmwareUpdateFlow flow, CommandRequest request, Consumer<CommandResult> done) {
        this.flow = flow;
        this.request = request;
        this.command = (DeviceCommand.UpdateFirmware) request.command();
        this.done = done;
    }

    String commandId() {
        return request.id();
    }

    void start() {
        timers.add(flow.schedule(() -> fail(CommandStatus.TIMEOUT, Optional.empty(),
                "the update did not end within its timeout of " + request.timeout().toSeconds() + " s"),
                request.timeout()));
        flow.images().resolve(command.image()).whenComplete((img, error) -> flow.onFlowThread(() -> {
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
        }));
    }

    private void chooseDelivery(SortedMap<Lwm2mPath, ResourceValue> object) {
        Optional<Integer> method = integer(object, DELIVERY_METHOD);
        deliveryMethod = method;
        switch (command.delivery()) {
            case PUSH:
                push = true;
                break;
            case PULL:
                push = false;
                break;
            default:
                // 0 pull only, 1 push only, 2 both: push keeps the transfer under the gateway's control
                push = method.orElse(1) != 0;
        }
        if (!push) {
            List<Integer> protocols = object.entrySet().stream()
                    .filter(e -> e.getKey().depth() == 4 && e.getKey().resourceId() == 8)
                    .map(e -> integer(Map.of(e.getKey(), e.getValue()), e.getKey()).orElse(-1)).toList();
            boolean secure = flow.transfer().registeredSecurely(request.endpoint());
            int needed = secure ? 1 : 0;
            if (!protocols.isEmpty() && !protocols.contains(needed)) {
                fail(CommandStatus.FAILED, Optional.empty(), "the device cannot pull over "
                        + (secure ? "CoAPS" : "CoAP") + " (protocol support " + protocols + ")");
                return;
            }
        }
        observe(STATE, () -> observe(UPDATE_RESULT, () -> whenIdle(this::beginDownload)));
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
            onIdle = next;
            stepTimer = flow.schedule(() -> fail(CommandStatus.TIMEOUT, Optional.empty(), "the device did not "
                    + "return to Idle within " + flow.downloadTimeout().toSeconds() + " s"), flow.downloadTimeout());
            if (current != FirmwareProgressRules.UPDATING_STATE) {
                // an installation under way cannot be reset: it ends in Idle or Downloaded, then we go on
                resetStateMachine(deliveryMethod.orElse(2) == 1);
            }
        });
    }

    /** An empty Package URI resets the state machine; a push-only device takes an empty Package instead. */
    private void resetStateMachine(boolean pushOnly) {
        resetSent = true;
        Lwm2mPath target = pushOnly ? PACKAGE : PACKAGE_URI;
        send(new DeviceCommand.WriteResource(target, WriteMode.REPLACE, Map.of(target, new CommandValue.Text("")),
                Optional.empty()), r -> {
            if (ended) {
                return;
            } else if (r.status() == CommandStatus.SUCCESS) {
                // a device that does not notify the reset is read once; later changes come by observe or poll
                send(new DeviceCommand.ReadResource(STATE, Optional.empty()), read -> {
                    if (read.status() == CommandStatus.SUCCESS) {
                        report(read.values());
                    }
                });
            } else if (r.status() == CommandStatus.DEVICE_ERROR && !pushOnly) {
                resetStateMachine(true);
            } else {
                fail(r.status(), r.code(), "resetting the firmware state machine failed: "
                        + r.error().orElse(r.status().wireName()));
            }
        });
    }

    private void observe(Lwm2mPath path, Runnable next) {
        if (polling) {
            next.run();
            return;
        }
        send(new DeviceCommand.ObserveResource(path, Optional.empty()), r -> {
            if (r.status() == CommandStatus.SUCCESS) {
                report(r.values());
            } else if (r.status() == CommandStatus.DEVICE_ERROR) {
                LOG.infof("%s refuses to be observed on %s (%s): polling every %d s", request.endpoint(), path,
                        r.code().orElse("?"), flow.pollInterval().toSeconds());
                polling = true;
                timers.add(flow.scheduleRepeating(this::poll, flow.pollInterval()));
            } else {
                fail(r.status(), r.code(), "cannot observe " + path + ": " + r.error().orElse(r.status().wireName()));
                return;
            }
            if (!ended) {
                next.run();
            }
        });
    }

    private void poll() {
        if (!ended) {
            send(new DeviceCommand.ReadResource(OBJECT_INSTANCE, Optional.empty()), r -> {
                if (r.status() == CommandStatus.SUCCESS) {
                    report(r.values());
                }
            });
        }
    }

    private void beginDownload() {
        phase = Phase.DOWNLOADING;
        stepTimer = flow.schedule(() -> fail(CommandStatus.TIMEOUT, Optional.empty(), "the device did not report "
                + "Downloaded within " + flow.downloadTimeout().toSeconds() + " s"), flow.downloadTimeout());
        emit(Step.DOWNLOADING, Optional.empty(), Optional.empty(), Optional.empty());
        if (push) {
            transfer = flow.transfer().push(request.endpoint(), image, flow.blockSize(),
                    bytes -> flow.onFlowThread(() -> progress(bytes)),
                    outcome -> flow.onFlowThread(() -> pushed(outcome)));
        } else {
            offer = flow.transfer().offer(request.endpoint(), image, flow.blockSize(),
                    bytes -> flow.onFlowThread(() -> progress(bytes)));
            Map<Lwm2mPath, CommandValue> uri = Map.of(PACKAGE_URI, new CommandValue.Text(offer.uri().toString()));
            send(new DeviceCommand.WriteResource(PACKAGE_URI, WriteMode.REPLACE, uri, Optional.empty()), r -> {
                if (r.status() != CommandStatus.SUCCESS) {
                    fail(r.status(), r.code(), "writing the package URI failed: "
                            + r.error().orElse(r.status().wireName()));
                }
            });
        }
    }

    private void progress(long bytes) {
        if (ended || phase != Phase.DOWNLOADING || bytes <= bytesSent) {
            return;
        }
        bytesSent = Math.min(bytes, image.size());
        if (!push && bytesSent == image.size() && !delivered) {
            delivered = true; // the device fetched the whole image from our URI
            if (state.orElse(-1) == FirmwareProgressRules.DOWNLOADED) {
                report(new TreeMap<>()); // its Downloaded came before the last block's hand-off
                return;
            }
        }
        long now = System.nanoTime();
        boolean tenth = bytesSent * 10 / image.size() > lastReported * 10 / image.size();
        if (tenth || now - lastReportedAt > TimeUnit.SECONDS.toNanos(2)) {
            lastReported = bytesSent;
            lastReportedAt = now;
            emit(Step.DOWNLOADING, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private void pushed(FirmwareTransferPort.PushOutcome outcome) {
        transfer = null;
        if (ended) {
            return;
        }
        if (!outcome.success()) {
            // the device may have refused the package and set its Update Result: read it to say why
            send(new DeviceCommand.ReadResource(OBJECT_INSTANCE, Optional.empty()), r -> {
                if (r.status() == CommandStatus.SUCCESS) {
                    report(r.values());
                }
                if (!ended) {
                    fail(outcome.code().isPresent() ? CommandStatus.DEVICE_ERROR : CommandStatus.FAILED,
                            outcome.code(), "pushing the package failed: " + outcome.error().orElse("?"));
                }
            });
            return;
        }
        delivered = true;
        progress(image.size());
        send(new DeviceCommand.ReadResource(OBJECT_INSTANCE, Optional.empty()), r -> {
            if (r.status() == CommandStatus.SUCCESS) {
                report(r.values());
            }
        });
    }

    /** Values of /5/0, /5/0/3 or /5/0/5 from a read, an observe response or a notification. */
    void report(SortedMap<Lwm2mPath, ResourceValue> values) {
        if (ended) {
            return;
        }
        integer(values, STATE).ifPresent(s -> state = Optional.of(s));
        integer(values, UPDATE_RESULT).ifPresent(r -> updateResult = Optional.of(r));
        if (onIdle != null) {
            int current = state.orElse(-1);
            if (current == FirmwareProgressRules.IDLE) {
                Runnable next = onIdle;
                onIdle = null;
                cancelStepTimer();
                updateResult = Optional.empty();
                next.run();
            } else if (!resetSent && current != FirmwareProgressRules.UPDATING_STATE) {
                resetStateMachine(deliveryMethod.orElse(2) == 1);
            }
            return;
        }
        if (phase == null) {
            return;
        }
        Action action = FirmwareProgressRules.decide(phase, state, updateResult);
        switch (action) {
            case DOWNLOADED:
                if (delivered) {
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
        bytesSent = image.size();
        revokeOffer();
        emit(Step.DOWNLOADED, Optional.empty(), Optional.empty(), Optional.empty());
        if (!command.executeUpdate()) {
            phase = null;
            end(result(CommandStatus.SUCCESS, Optional.empty(), null, new TreeMap<>(Map.of(STATE,
                    new ResourceValue.IntegerValue(FirmwareProgressRules.DOWNLOADED)))));
            return;
        }
        phase = Phase.UPDATING;
        updateResult = Optional.empty();
        stepTimer = flow.schedule(() -> fail(CommandStatus.TIMEOUT, Optional.empty(), "the device did not report "
                + "an Update Result within " + flow.updateTimeout().toSeconds() + " s"), flow.updateTimeout());
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
                    ? Optional.ofNullable(r.values().get(FIRMWARE_VERSION)).map(DeviceUpdate::text)
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
        send(new DeviceCommand.ReadResource(OBJECT_INSTANCE, Optional.empty()), r -> {
            if (r.status() == CommandStatus.SUCCESS) {
                report(r.values());
            }
            if (!ended && phase != null && !polling) {
                observe(STATE, () -> observe(UPDATE_RESULT, () -> { }));
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

    private void fail(CommandStatus status, Optional<String> code, String reason) {
        if (ended) {
            return;
        }
        emitFailure(updateResult.filter(r -> r >= 2), reason);
        if (phase == Phase.DOWNLOADING && !push && status == CommandStatus.TIMEOUT) {
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
        timers.forEach(t -> t.cancel(false));
        if (transfer != null) {
            transfer.cancel();
        }
        revokeOffer();
        if (image != null) {
            flow.images().unpin(image);
        }
        if (!polling && result.status() != CommandStatus.CANCELLED) {
            send(new DeviceCommand.CancelObservation(STATE), r -> { });
            send(new DeviceCommand.CancelObservation(UPDATE_RESULT), r -> { });
        }
        LOG.infof("firmware update %s of %s ended %s%s", request.id(), request.endpoint(),
                result.status().wireName(), result.error().map(e -> ": " + e).orElse(""));
        flow.ended(this);
        done.accept(result);
    }

    private void revokeOffer() {
        if (offer != null) {
            offer.revoke();
            offer = null;
        }
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
                step == Step.STARTED ? 0 : bytesSent, total, result, version, detail));
    }

    private CommandResult result(CommandStatus status, Optional<String> code, String error,
            SortedMap<Lwm2mPath, ResourceValue> values) {
        return new CommandResult(Optional.of(request.id()), Optional.of(request.endpoint()),
                Optional.of(command.op()), Optional.of(command.path()), flow.now(), status, code, values, List.of(),
                Optional.empty(), Optional.ofNullable(error), request.replyTo());
    }

    /** Sends one request of this update; the answer is handled on the flow's thread unless the update ended. */
    private void send(DeviceCommand step, Consumer<CommandResult> then) {
        CommandRequest internal = new CommandRequest(request.id() + "#" + (++internalIds), request.endpoint(), step,
                flow.requestTimeout(), Duration.ZERO, Instant.now(), Optional.empty());
        flow.devices().execute(internal, r -> flow.onFlowThread(() -> {
            if (!ended || step instanceof DeviceCommand.CancelObservation || step instanceof DeviceCommand.WriteResource) {
                then.accept(r);
            }
        }));
    }

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

    private static String text(ResourceValue value) {
        if (value instanceof ResourceValue.StringValue s) {
            return s.value();
        }
        return value.toString();
    }
}
