package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.EndpointName;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Queue mode (spec 8.3): commands for a sleeping device are stored durably and announced once as
 * {@code queued} (then acknowledged: a broker does not deliver the next message of a topic while one is
 * unacknowledged); one that waits past its TTL ends {@code expired}; all end {@code cancelled} when the
 * registration ends; after a restart the stored ones are read back and wait for their devices.
 */
final class SleepingCommands {

    private static final Logger LOG = Logger.getLogger(SleepingCommands.class);

    private final WaitingCommands waiting;
    private final CommandOutcomes outcomes;
    private final QueuedCommandStore store;
    private final Executor writer;
    private final Clock clock;

    SleepingCommands(WaitingCommands waiting, CommandOutcomes outcomes, QueuedCommandStore store, Executor writer,
            Clock clock) {
        this.waiting = waiting;
        this.outcomes = outcomes;
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    /** Stores the command durably, then publishes {@code queued} and acknowledges it once confirmed. */
    void announce(Pending pending) {
        if (pending.internal) {
            outcomes.queued(pending, queuedResult(pending), false);
            return;
        }
        // an fsync must not run on the caller's thread (a HiveMQ netty thread, a Californium protocol thread);
        // one writer thread keeps saves and removals in order. The device may wake, or the command expire,
        // meanwhile: queued() sees that.
        writer.execute(() -> {
            try {
                store.save(pending.request);
            } catch (RuntimeException e) {
                refuseUnstored(pending, e);
                return;
            }
            outcomes.queued(pending, queuedResult(pending), true);
        });
    }

    /** A firmware update is stored first and acknowledged then, like a queued command. */
    void storeAndAcknowledge(Pending pending) {
        writer.execute(() -> {
            try {
                store.save(pending.request);
                outcomes.storedAndSettled(pending);
            } catch (RuntimeException e) {
                // not durable: the acknowledgement waits for the final result instead
                LOG.errorf("cannot store firmware update %s: %s", pending.request.id(), e.getMessage());
            }
        });
    }

    /** {@code queued}, its explanation published as the result's {@code detail}. */
    private CommandResult queuedResult(Pending pending) {
        return CommandResult.of(pending.request, clock.instant(), CommandStatus.QUEUED,
                "the device is sleeping; the command waits until it wakes up (ttl "
                        + pending.request.ttl().toSeconds() + " s)");
    }

    /**
     * The command could not be stored: it is not acknowledged as queued, but ends {@code failed} with the
     * reason, unless it went out to its device meanwhile.
     */
    private void refuseUnstored(Pending pending, RuntimeException e) {
        LOG.errorf("cannot store queued command %s for %s: %s", pending.request.id(), pending.request.endpoint(),
                e.getMessage());
        if (waiting.remove(pending)) {
            outcomes.finish(pending, CommandResult.of(pending.request, clock.instant(), CommandStatus.FAILED,
                    "the device is sleeping and the gateway cannot store the command: " + e.getMessage()));
        }
    }

    /** Ends the commands that waited for a sleeping device longer than their TTL. */
    void expireDue() {
        Instant now = clock.instant();
        for (Pending p : waiting.expired(now)) {
            outcomes.finish(p, CommandResult.of(p.request, now, CommandStatus.EXPIRED,
                    "waited longer than its ttl of " + p.request.ttl().toSeconds() + " s for the sleeping device"));
        }
    }

    /** The device's registration ended: its waiting commands are void. */
    void cancel(EndpointName endpoint, String reason) {
        for (Pending p : waiting.clear(endpoint)) {
            outcomes.finish(p, CommandResult.of(p.request, clock.instant(), CommandStatus.CANCELLED, reason));
        }
    }

    /**
     * Reads back the stored commands (they wait until their devices register or update again); one that ended
     * before the crash is forgotten, one that was being sent and may not be repeated ends {@code failed}.
     *
     * @return the devices that have commands waiting now
     */
    Set<EndpointName> reload(CommandLedger ledger) {
        List<CommandRequest> stored = store.loadAll();
        Set<EndpointName> devices = new LinkedHashSet<>();
        int reloaded = 0;
        for (CommandRequest request : stored) {
            Pending pending = Pending.of(request, CommandContext.none());
            pending.announced = true;
            pending.settled = true;
            pending.stored = true;
            pending.awaitsRegistration = true;
            pending.awaitsContact = true;
            if (!ledger.readmit(pending)) {
                writer.execute(() -> store.remove(request));
                continue;
            }
            if (ledger.interruptedForGood(request)) {
                outcomes.finish(pending, CommandResult.of(request, clock.instant(), CommandStatus.FAILED,
                        CommandOutcomes.NOT_REPEATED));
                continue;
            }
            if (waiting.add(pending)) {
                devices.add(request.endpoint());
                reloaded++;
            }
        }
        if (reloaded > 0) {
            LOG.infof("%d queued commands read back from the store; they go out when their devices wake up",
                    reloaded);
        }
        return devices;
    }
}
