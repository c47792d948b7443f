package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import java.util.List;

/**
 * Keeps the commands that wait for sleeping devices across gateway restarts. The embedded default writes
 * files on a local volume; a shared store (for several replicas) can implement this later.
 */
public interface QueuedCommandStore {

    /** Stores a command durably; when this returns, the command survives a crash. */
    void save(CommandRequest request);

    /** Forgets a command that got its final result (commands are identified by endpoint and id). */
    void remove(CommandRequest request);

    /** Every stored command, oldest first. */
    List<CommandRequest> loadAll();
}
