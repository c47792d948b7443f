package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Where a command ends: its results are published, and its source is told (acknowledged) only once the
 * brokers confirmed the final result and the ledger holds it durably, or once it is durably queued and its
 * {@code queued} result confirmed. Each source context is acknowledged or released at most once.
 */
final class CommandOutcomes {

    private static final Logger LOG = Logger.getLogger(CommandOutcomes.class);

    /** The error of a non-idempotent command found in flight after a crash. */
    static final String NOT_REPEATED = "the gateway stopped while it was in flight; not repeated";

    private final ResultSink results;
    private final CommandLedger ledger;
    private final QueuedCommandStore store;
    private final Executor writer;

    CommandOutcomes(ResultSink results, CommandLedger ledger, QueuedCommandStore store, Executor writer) {
        this.results = results;
        this.ledger = ledger;
        this.store = store;
        this.writer = writer;
    }

    void runOnWriter(Runnable task) {
        writer.execute(task);
    }

    /** Publishes a final result, records it, and settles the command and its copies once both are confirmed. */
    void finish(Pending pending, CommandResult result) {
        List<Pending.Copy> copies = List.of();
        List<CompletionStage<Void>> confirmations = new ArrayList<>();
        synchronized (pending) {
            if (pending.finished) {
                LOG.warnf("command %s for %s: a second final result (%s) ignored", pending.request.id(),
                        pending.request.endpoint(), result.status().wireName());
                return;
            }
            pending.finished = true;
            copies = List.copyOf(pending.copies);
            // published under the command's lock: a queued never follows the final result
            confirmations.add(results.publish(result));
            for (Pending.Copy copy : copies) {
                // a copy whose requester waits elsewhere gets the result there too; one address gets it once
                if (!copy.request.replyTo().equals(pending.request.replyTo())) {
                    confirmations.add(results.publish(withReplyTo(result, copy.request)));
                }
            }
        }
        confirmations.add(ledger.complete(pending, result));
        if (!pending.internal) {
            // always, and only after marking it finished: a save still under way either sees that and removes
            // its file itself, or has finished writing before this removal (the writer runs tasks in order)
            writer.execute(() -> store.remove(pending.request));
        }
        all(confirmations).whenComplete((ok, error) -> settle(pending, result));
        try {
            pending.resultListener.accept(result);
        } catch (RuntimeException e) {
            LOG.errorf("result listener of command %s failed: %s", pending.request.id(), e.toString());
        }
    }

    /** Publishes {@code queued} (the command is stored, or is the gateway's own) and settles once confirmed. */
    void queued(Pending pending, CommandResult queued, boolean saved) {
        CompletionStage<Void> confirmed;
        synchronized (pending) {
            if (pending.finished) {
                // it ended while being stored: its final result is out, so no queued after it, and no stale file
                if (saved) {
                    store.remove(pending.request);
                }
                return;
            }
            pending.stored |= saved;
            confirmed = results.publish(queued);
        }
        confirmed.whenComplete((ok, error) -> settle(pending, queued));
        if (pending.internal) {
            pending.resultListener.accept(queued);
        }
    }

    /** The command is durably stored (a firmware update): its source may move on. */
    void storedAndSettled(Pending pending) {
        synchronized (pending) {
            pending.stored = true;
        }
        settle(pending, null);
    }

    /**
     * A copy of a command that waits or is in flight: not run again; it gets the original's final result and
     * is acknowledged with it, or at once if the original is already settled.
     *
     * @return false when the original has ended meanwhile (look the copy up again)
     */
    boolean attach(Pending original, CommandRequest request, CommandContext context) {
        LOG.debugf("command %s for %s is already accepted: the copy waits for its result", request.id(),
                request.endpoint());
        Pending.Copy copy = new Pending.Copy(request, context);
        boolean settleNow;
        synchronized (original) {
            if (original.finished) {
                return false;
            }
            original.copies.add(copy);
            settleNow = original.settled;
            copy.settled = settleNow;
        }
        if (settleNow) {
            acknowledge(context, request.id());
        }
        return true;
    }

    /** A command that completed before: its earlier result again, on the copy's response topic. */
    void repeat(CommandResult earlier, CommandRequest request, CommandContext context) {
        publishAndSettle(withReplyTo(earlier, request), context);
    }

    /** Publishes a result that ends a command no one else tracks (refused, repeated) and then acknowledges. */
    void publishAndSettle(CommandResult result, CommandContext context) {
        results.publish(result).whenComplete((ok, error) -> {
            try {
                context.published(result);
            } catch (RuntimeException e) {
                LOG.errorf("source of command %s failed on its result: %s", result.id().orElse("?"), e.toString());
            }
            acknowledge(context, result.id().orElse("?"));
        });
    }

    /** The gateway stops: the command is left to its source for redelivery. */
    void release(Pending pending) {
        List<CommandContext> contexts = new ArrayList<>();
        synchronized (pending) {
            if (!pending.settled) {
                pending.settled = true;
                contexts.add(pending.context);
            }
            for (Pending.Copy copy : pending.copies) {
                if (!copy.settled) {
                    copy.settled = true;
                    contexts.add(copy.context);
                }
            }
        }
        contexts.forEach(CommandContext::release);
    }

    /** Tells the source of a command and of its copies: {@code result} (when given) and, once, the acknowledgement. */
    private void settle(Pending pending, CommandResult result) {
        List<CommandContext> toAcknowledge = new ArrayList<>();
        List<CommandContext> toTell = new ArrayList<>();
        synchronized (pending) {
            toTell.add(pending.context);
            if (!pending.settled) {
                pending.settled = true;
                toAcknowledge.add(pending.context);
            }
            for (Pending.Copy copy : pending.copies) {
                toTell.add(copy.context);
                if (!copy.settled) {
                    copy.settled = true;
                    toAcknowledge.add(copy.context);
                }
            }
        }
        if (result != null) {
            for (CommandContext context : toTell) {
                try {
                    context.published(result);
                } catch (RuntimeException e) {
                    LOG.errorf("source of command %s failed on its result: %s", pending.request.id(), e.toString());
                }
            }
        }
        toAcknowledge.forEach(context -> acknowledge(context, pending.request.id()));
    }

    private static void acknowledge(CommandContext context, String id) {
        try {
            context.acknowledge();
        } catch (RuntimeException e) {
            LOG.errorf("acknowledging command %s failed: %s", id, e.toString());
        }
    }

    /** The result as the requester of {@code request} wants it: on its (current) response topic. */
    static CommandResult withReplyTo(CommandResult result, CommandRequest request) {
        return new CommandResult(result.id(), result.endpoint(), result.op(), result.path(), result.time(),
                result.status(), result.code(), result.values(), result.links(), result.location(), result.error(),
                request.replyTo());
    }

    private static CompletableFuture<Void> all(List<CompletionStage<Void>> stages) {
        return CompletableFuture.allOf(stages.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    void close() {
        if (writer instanceof java.util.concurrent.ExecutorService service) {
            service.shutdown(); // writes already handed over still complete
            try {
                service.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
