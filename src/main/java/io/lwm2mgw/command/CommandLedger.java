package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Which commands are under way and which have ended, so that none runs twice: a copy that arrives while its
 * original waits or runs is attached to it; one that arrives after it ended gets its earlier result. Completed
 * results and the marks of non-idempotent commands about to be sent are durable ({@link LedgerStore}), so a
 * crash neither repeats a completed command nor silently repeats an execute that may have reached its device.
 * Thread-safe.
 */
final class CommandLedger {

    /** Commands are the same when endpoint and id are: ids are the requesters' and need not be unique across devices. */
    record Key(EndpointName endpoint, String id) {
        static Key of(CommandRequest request) {
            return new Key(request.endpoint(), request.id());
        }

        static Key of(CommandResult result) {
            return new Key(result.endpoint().orElseThrow(), result.id().orElseThrow());
        }
    }

    /** What the ledger knows of a command that arrives. */
    sealed interface Admission {
        /** New: it is now the one under way for its key. */
        record Admitted() implements Admission { }

        /** Under way already: the copy shares the original's result. */
        record Running(Pending original) implements Admission { }

        /** Ended already, with this result. */
        record Completed(CommandResult result) implements Admission { }

        /** It was being sent when the gateway stopped; its op is not idempotent and the request says no retry. */
        record Interrupted() implements Admission { }
    }

    private final LedgerStore store;
    private final Map<Key, CommandResult> completed;
    private final Map<Key, Pending> active = new HashMap<>();
    /** Sent (or about to be) when the gateway last stopped, with no result recorded since. */
    private final Set<Key> interrupted = new HashSet<>();

    CommandLedger(LedgerStore store, int remembered) {
        this.store = store;
        this.completed = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CommandResult> eldest) {
                return size() > remembered;
            }
        };
        LedgerStore.Loaded loaded = store.load(remembered);
        loaded.completed().forEach(r -> completed.put(Key.of(r), r));
        for (LedgerStore.SentMark mark : loaded.interrupted()) {
            interrupted.add(new Key(mark.endpoint(), mark.id()));
        }
    }

    synchronized Admission admit(Pending pending) {
        Key key = Key.of(pending.request);
        CommandResult earlier = completed.get(key);
        if (earlier != null) {
            return new Admission.Completed(earlier);
        }
        Pending original = active.putIfAbsent(key, pending);
        if (original != null) {
            return new Admission.Running(original);
        }
        return interruptedForGood(pending.request) ? new Admission.Interrupted() : new Admission.Admitted();
    }

    /** Takes a command read back from the queued-command store as under way; false when it had ended already. */
    synchronized boolean readmit(Pending pending) {
        Key key = Key.of(pending.request);
        if (completed.containsKey(key)) {
            return false;
        }
        active.put(key, pending);
        return true;
    }

    /**
     * Whether a command read back after a restart was being sent when the gateway stopped and may not be sent
     * again (not idempotent, no retry).
     */
    synchronized boolean interruptedForGood(CommandRequest request) {
        return interrupted.remove(Key.of(request)) && !request.command().idempotent() && !request.retry();
    }

    /**
     * Records that {@code request} is about to be sent; the stage completes once that is durable. Only
     * non-idempotent ops are marked: an idempotent one is simply sent again after a crash.
     */
    CompletionStage<Void> markSending(CommandRequest request) {
        if (request.command().idempotent()) {
            return CompletableFuture.completedFuture(null);
        }
        return store.sending(request.endpoint(), request.id());
    }

    /** Records the final result; the stage completes once it is durable. */
    CompletionStage<Void> complete(Pending pending, CommandResult result) {
        Key key = Key.of(pending.request);
        synchronized (this) {
            completed.put(key, result);
            active.remove(key, pending);
        }
        if (pending.internal) {
            return CompletableFuture.completedFuture(null); // its issuer keeps its own state
        }
        return store.completed(result);
    }

    void close() {
        store.close();
    }
}
