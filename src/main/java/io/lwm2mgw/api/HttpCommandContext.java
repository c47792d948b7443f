package io.lwm2mgw.api;

import io.lwm2mgw.command.CommandContext;
import io.lwm2mgw.domain.command.CommandResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The link from one HTTP command back to its request: the router tells it each result once the brokers
 * confirmed it, and the request answers with the final one. There is nothing to acknowledge (HTTP has no
 * redelivery), and a command the gateway leaves unanswered because it stops ends the wait with nothing.
 */
final class HttpCommandContext implements CommandContext {

    private final CompletableFuture<Optional<CommandResult>> last = new CompletableFuture<>();
    private final AtomicReference<CommandResult> queued = new AtomicReference<>();

    @Override
    public void acknowledge() {
        // the answer follows published(); an HTTP request has nothing to acknowledge
    }

    @Override
    public void release() {
        last.complete(Optional.empty());
    }

    @Override
    public void published(CommandResult result) {
        if (result.status().isFinal()) {
            last.complete(Optional.of(result));
        } else {
            queued.set(result);
        }
    }

    /** Completes with the final result, or empty when the gateway stopped first. */
    CompletableFuture<Optional<CommandResult>> finalResult() {
        return last;
    }

    /** The {@code queued} result, if the command waits for a sleeping device. */
    Optional<CommandResult> queued() {
        return Optional.ofNullable(queued.get());
    }
}
