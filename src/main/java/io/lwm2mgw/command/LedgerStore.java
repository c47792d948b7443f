package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The durable side of the {@link CommandLedger}: completed results and marks of commands being sent. The
 * embedded default is a journal file on the data volume; a shared store (several replicas) can implement this.
 */
public interface LedgerStore {

    /** A command that was being sent, by its key. */
    record SentMark(EndpointName endpoint, String id) { }

    /**
     * @param completed   the most recent results, oldest first
     * @param interrupted commands marked as being sent with no result recorded after the mark
     */
    record Loaded(List<CommandResult> completed, List<SentMark> interrupted) { }

    /** Reads what was recorded before this start, keeping at most {@code remembered} results. Called once. */
    Loaded load(int remembered);

    /** Marks a command as being sent; completes once durable. */
    CompletionStage<Void> sending(EndpointName endpoint, String id);

    /** Records a final result; completes once durable. */
    CompletionStage<Void> completed(CommandResult result);

    /** Writes what is pending and releases the store. */
    void close();
}
