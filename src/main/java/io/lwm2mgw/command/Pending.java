package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One command from its admission to its final result, with its source's {@link CommandContext}. The flags are
 * guarded by this object; {@link #finished} is set once, under the lock, before the final result is published.
 */
final class Pending {

    final CommandRequest request;
    final CommandContext context;
    /** Told the {@code queued} and the final result; campaigns follow their devices this way. */
    final Consumer<CommandResult> resultListener;
    /** Submitted by the gateway itself (a campaign): never stored, nothing to acknowledge. */
    final boolean internal;
    /** Its {@code queued} result went out (or it needs none: read back after a restart). */
    boolean announced;
    /** The source was told the command is done with (acknowledged or released). */
    boolean settled;
    /** It is in the queued-command store. */
    boolean stored;
    /** Its final result is out. */
    boolean finished;
    /** Waits until its device registers: read back after a restart, or a campaign's update. */
    boolean awaitsRegistration;
    /**
     * Carried over from before a restart: waits until its device is heard from in this life (registers, updates
     * or wakes up), not merely restored from the store, whose address may be stale.
     */
    boolean awaitsContact;
    /** Copies that arrived while this one was waiting or in flight. */
    final List<Copy> copies = new ArrayList<>();

    /** A redelivered copy: it shares the original's result and is acknowledged with it. */
    static final class Copy {
        final CommandRequest request;
        final CommandContext context;
        boolean settled;

        Copy(CommandRequest request, CommandContext context) {
            this.request = request;
            this.context = context;
        }
    }

    Pending(CommandRequest request, CommandContext context, Consumer<CommandResult> resultListener,
            boolean internal) {
        this.request = request;
        this.context = context;
        this.resultListener = resultListener;
        this.internal = internal;
    }

    static Pending of(CommandRequest request, CommandContext context) {
        return new Pending(request, context, r -> { }, false);
    }
}
