package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.event.DeviceAwake;
import io.lwm2mgw.domain.event.DeviceDeregistered;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceExpired;
import io.lwm2mgw.domain.event.DeviceRegistered;
import io.lwm2mgw.domain.event.DeviceUpdated;
import io.lwm2mgw.events.DeviceEventListener;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs commands: per device in arrival order with one request in flight (CoAP NSTART = 1), many devices in
 * parallel. A composition of the {@link CommandLedger} (nothing runs twice), {@link WaitingCommands} (each
 * device's FIFO) and {@link SleepingCommands} (queue mode, spec 8.3: stored, announced once as
 * {@code queued}, expired after their TTL, cancelled when the registration ends). Every command ends in
 * {@link CommandOutcomes}: exactly one final result, published and confirmed before its source is told.
 * Devices' presence reaches it as events on the bus.
 */
public class CommandRouter implements DeviceEventListener {

    private static final Logger LOG = Logger.getLogger(CommandRouter.class);

    private final DevicePort devices;
    private final FirmwareUpdatePort firmware;
    private final Clock clock;
    private final CommandLedger ledger;
    private final WaitingCommands waiting;
    private final CommandOutcomes outcomes;
    private final SleepingCommands sleeping;
    private final ReplicaHandover replicas;
    private volatile boolean stopping;
    /** Devices heard from since this start (registered, updated, awake) and not gone since. */
    private final java.util.Set<EndpointName> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param devices the laned device port (one request in flight per device, whoever sends it)
     * @param writer  runs every store write, in order, off the callers' threads
     */
    public CommandRouter(DevicePort devices, FirmwareUpdatePort firmware, ResultSink results,
            QueuedCommandStore store, LedgerStore ledgerStore, Clock clock, int maxQueuedPerDevice,
            int remembered, java.util.concurrent.Executor writer) {
        this(devices, firmware, results, store, ledgerStore, clock, maxQueuedPerDevice, remembered, writer,
                ReplicaHandover.NONE);
    }

    /** @param replicas hands commands for devices registered with another replica to that one */
    public CommandRouter(DevicePort devices, FirmwareUpdatePort firmware, ResultSink results,
            QueuedCommandStore store, LedgerStore ledgerStore, Clock clock, int maxQueuedPerDevice,
            int remembered, java.util.concurrent.Executor writer, ReplicaHandover replicas) {
        this.devices = devices;
        this.replicas = replicas;
        this.firmware = firmware;
        this.clock = clock;
        this.ledger = new CommandLedger(ledgerStore, remembered);
        this.waiting = new WaitingCommands(maxQueuedPerDevice);
        this.outcomes = new CommandOutcomes(results, ledger, store, writer);
        this.sleeping = new SleepingCommands(waiting, outcomes, store, writer, clock);
        replicas.start(new ReplicaHandover.Local() {
            @Override
            public boolean isRegistered(EndpointName endpoint) {
                return devices.isRegistered(endpoint);
            }

            @Override
            public void run(CommandRequest request, CommandContext context) {
                submitHere(request, context);
            }

            @Override
            public void repeat(CommandResult earlier, CommandRequest request, CommandContext context) {
                outcomes.repeat(earlier, request, context);
            }

            @Override
            public void answer(CommandRequest request, CommandResult result, CommandContext context) {
                outcomes.finish(Pending.of(request, context), result);
            }

            @Override
            public void interrupted(CommandRequest request, CommandContext context) {
                LOG.infof("command %s for %s was in flight when its replica stopped: not repeated", request.id(),
                        request.endpoint());
                answer(request, CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                        CommandOutcomes.NOT_REPEATED), context);
            }
        });
    }

    /**
     * Accepts a command from a source. Its context is acknowledged once the final result is confirmed (or the
     * command is durably queued for a sleeping device), or released when the gateway stops first.
     */
    public void submit(CommandRequest request, CommandContext context) {
        if (stopping) {
            // neither run nor answered nor acknowledged: the broker (or the uncommitted offset) hands it to the
            // next gateway, instead of this one failing it because its LwM2M server is going away
            LOG.infof("command %s for %s arrived while stopping: left for redelivery", request.id(),
                    request.endpoint());
            context.release();
            return;
        }
        if (replicas.active() && !gatewayOwn(request) && !devices.isRegistered(request.endpoint())) {
            // perhaps another replica's device: it runs there, this one acknowledges once the owner confirmed
            replicas.route(request, context);
            return;
        }
        submitHere(request, context);
    }

    private static boolean gatewayOwn(CommandRequest request) {
        return request.command() instanceof DeviceCommand.ProvisionCredentials
                || request.command() instanceof DeviceCommand.RemoveCredentials;
    }

    /** Runs a command on this replica: the ledger first, then the device's queue. */
    private void submitHere(CommandRequest request, CommandContext context) {
        if (stopping) {
            context.release();
            return;
        }
        Pending pending = Pending.of(request, context);
        CommandLedger.Admission admission = ledger.admit(pending);
        if (admission instanceof CommandLedger.Admission.Completed done) {
            LOG.debugf("command %s for %s already completed: publishing its result again", request.id(),
                    request.endpoint());
            outcomes.repeat(done.result(), request, context);
        } else if (admission instanceof CommandLedger.Admission.Running running) {
            if (!outcomes.attach(running.original(), request, context)) {
                submitHere(request, context); // it ended since it was looked up: its result is in the ledger now
            }
        } else if (admission instanceof CommandLedger.Admission.Interrupted) {
            LOG.infof("command %s for %s was in flight when the gateway stopped: not repeated", request.id(),
                    request.endpoint());
            outcomes.finish(pending, CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                    CommandOutcomes.NOT_REPEATED));
        } else if (gatewayOwn(request)) {
            // the gateway's own business, not the device's: no queue, no registration needed; it writes a file,
            // so it runs on the store's thread like every other write, never on a broker client's thread
            outcomes.runOnWriter(() -> {
                CommandResult result;
                try {
                    result = devices.changeCredentials(request);
                } catch (RuntimeException e) {
                    result = CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                            "gateway error: " + e.getMessage());
                }
                outcomes.finish(pending, result);
            });
        } else {
            enqueue(pending);
        }
    }

    /** Publishes the final result of a command refused before it reached a device ({@code invalid}). */
    public void reject(CommandResult result, CommandContext context) {
        LOG.infof("invalid command %s for %s: %s", result.id().orElse("(no id)"),
                result.endpoint().map(EndpointName::value).orElse("(no endpoint)"), result.error().orElse(""));
        outcomes.publishAndSettle(result, context);
    }

    /**
     * Accepts a command the gateway issues itself (a campaign's update of one device): it runs like any other
     * command and its result is published, but it is not stored (its issuer keeps its own state);
     * {@code onResult} gets the {@code queued} result, if any, and the final one.
     *
     * A device that is not registered is waited for like a sleeping one, until the command's ttl.
     *
     * @param afterRestart the issuer resumes after a gateway restart: its {@code queued} went out before
     */
    public void submitInternal(CommandRequest request, Consumer<CommandResult> onResult, boolean afterRestart) {
        Pending pending = new Pending(request, CommandContext.none(), onResult, true);
        // a campaign lists devices that may be offline when their turn comes: wait for them, like sleeping ones
        pending.awaitsRegistration = true;
        pending.announced = afterRestart;
        pending.awaitsContact = afterRestart;
        ledger.readmit(pending);
        enqueue(pending);
    }

    private void enqueue(Pending pending) {
        if (!waiting.add(pending)) {
            outcomes.finish(pending, CommandResult.of(pending.request, clock.instant(), CommandStatus.FAILED,
                    "too many commands waiting for " + pending.request.endpoint()));
            return;
        }
        drain(pending.request.endpoint());
    }

    /** Reads back the commands that waited for sleeping devices when the gateway stopped. */
    public void reloadStored() {
        sleeping.reload(ledger).forEach(this::drain);
    }

    /** Presence: a device that registered, updated or woke up is reachable; one that left voids its queue. */
    @Override
    public void onEvent(DeviceEvent event) {
        if (event instanceof DeviceRegistered || event instanceof DeviceUpdated || event instanceof DeviceAwake) {
            heard.add(event.endpoint());
            drain(event.endpoint());
            replicas.arrived(event.endpoint());
        } else if (event instanceof DeviceDeregistered || event instanceof DeviceExpired) {
            heard.remove(event.endpoint());
            sleeping.cancel(event.endpoint(), "the device's registration ended");
        }
    }

    private void drain(EndpointName endpoint) {
        WaitingCommands.Turn turn = waiting.next(endpoint, this::mustWait);
        turn.toAnnounce().forEach(sleeping::announce);
        if (turn.next() != null) {
            execute(turn.next());
        }
    }

    private boolean mustWait(Pending head) {
        EndpointName endpoint = head.request.endpoint();
        return devices.isSleeping(endpoint) || head.awaitsRegistration && !devices.isRegistered(endpoint)
                || head.awaitsContact && !heard.contains(endpoint);
    }

    private void execute(Pending pending) {
        if (pending.request.command() instanceof DeviceCommand.UpdateFirmware) {
            startFirmware(pending);
            return;
        }
        AtomicBoolean once = new AtomicBoolean();
        Consumer<CommandResult> done = result -> {
            if (once.compareAndSet(false, true)) {
                completeOrRequeue(pending, result);
            }
        };
        // a non-idempotent op is marked as being sent, durably, before it goes: after a crash it is not repeated
        ledger.markSending(pending.request).whenComplete((marked, error) -> {
            try {
                devices.execute(pending.request, done);
            } catch (RuntimeException e) {
                done.accept(CommandResult.of(pending.request, clock.instant(), CommandStatus.FAILED,
                        "gateway error: " + e.getMessage()));
            }
        });
    }

    private void completeOrRequeue(Pending pending, CommandResult result) {
        EndpointName endpoint = pending.request.endpoint();
        if (stopping && (result.status() == CommandStatus.CANCELLED || result.status() == CommandStatus.FAILED)) {
            // the gateway is stopping, not the device failing: no result and no acknowledgement, so the broker
            // (or the uncommitted Kafka offset) hands the command to the next gateway
            LOG.infof("command %s for %s left for redelivery", pending.request.id(), endpoint);
            outcomes.release(pending);
            return;
        }
        if (result.status() == CommandStatus.QUEUED) {
            // the device fell asleep as the command went out: it waits at the head for the next wake-up
            if (waiting.putBack(pending)) {
                sleeping.announce(pending);
            }
            return;
        }
        outcomes.finish(pending, result);
        waiting.release(endpoint);
        drain(endpoint);
    }

    /**
     * Hands a firmware update to its flow and frees the device's turn at once: the update may take many
     * minutes, during which other commands for the device still go out (each of its requests takes its turn in
     * the device's lane). Stored and acknowledged first, like a queued command, so the broker moves on and a
     * restarted gateway starts the update again.
     */
    private void startFirmware(Pending pending) {
        if (!pending.internal) {
            sleeping.storeAndAcknowledge(pending);
        }
        AtomicBoolean once = new AtomicBoolean();
        try {
            firmware.start(pending.request, result -> {
                if (once.compareAndSet(false, true)) {
                    if (stopping && result.status() == CommandStatus.CANCELLED) {
                        LOG.infof("firmware update %s for %s left to restart with the gateway",
                                pending.request.id(), pending.request.endpoint());
                        return;
                    }
                    outcomes.finish(pending, result);
                }
            });
        } catch (RuntimeException e) {
            if (once.compareAndSet(false, true)) {
                outcomes.finish(pending, CommandResult.of(pending.request, clock.instant(), CommandStatus.FAILED,
                        "gateway error: " + e.getMessage()));
            }
        }
        waiting.release(pending.request.endpoint());
        drain(pending.request.endpoint());
    }

    /** Ends the commands that waited for a sleeping device longer than their TTL. */
    public void expireDue() {
        sleeping.expireDue();
    }

    /** Runs before the LwM2M server stops, so that the requests it cancels are recognised as ours. */
    public void stop() {
        stopping = true;
        replicas.stop();
        firmware.abandonAll();
    }

    /** After the LwM2M server stopped: writes what is pending. */
    public void close() {
        outcomes.close();
        ledger.close();
    }
}
