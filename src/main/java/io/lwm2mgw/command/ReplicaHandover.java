package io.lwm2mgw.command;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;

/**
 * The seam between replicas for commands: a command that arrived here for a device registered with another
 * replica is handed to that one (its owner), which runs it through its own router and publishes its one result;
 * this replica acknowledges the command's source once the owner confirmed that result. Implemented on a state
 * backend that several replicas share; {@link #NONE} (one replica) runs every command here. Methods never block
 * their caller: what they reach across the network runs on the implementation's own thread.
 */
public interface ReplicaHandover {

    /** What the router lends the handover to end or run commands on this replica. */
    interface Local {

        /** Whether the device has a live registration on this replica. */
        boolean isRegistered(EndpointName endpoint);

        /** Runs the command here, as if its source had delivered it here: ledger, lane, one result, then the context. */
        void run(CommandRequest request, CommandContext context);

        /** A command that ended before (in the shared ledger): its earlier result again, then the context. */
        void repeat(CommandResult earlier, CommandRequest request, CommandContext context);

        /** Ends a command with {@code result} here: published, recorded, then the context acknowledged. */
        void answer(CommandRequest request, CommandResult result, CommandContext context);

        /**
         * A non-idempotent command (no retry) that another replica marked as being sent and never finished: it
         * may have reached its device, so it ends {@code failed} here instead of running again.
         */
        void interrupted(CommandRequest request, CommandContext context);
    }

    /** Whether commands for devices not registered here go through {@link #route}. */
    boolean active();

    /** Before the first command: the router this replica runs commands with. */
    void start(Local local);

    /**
     * A command for a device not registered on this replica: handed to its owner, or back to {@link Local#run}
     * when no replica holds the device. Its context is acknowledged once the owner confirmed the final result
     * (or the {@code queued} one), or released when this replica stops first.
     */
    void route(CommandRequest request, CommandContext context);

    /** The device registered, updated or woke up here: commands handed over for it in the cluster run here now. */
    void arrived(EndpointName endpoint);

    /** The replica stops: commands waiting for another replica are released to their sources. */
    void stop();

    /** A single replica: nothing is handed over. */
    ReplicaHandover NONE = new ReplicaHandover() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void start(Local local) {
        }

        @Override
        public void route(CommandRequest request, CommandContext context) {
            throw new IllegalStateException("no replicas to hand a command to");
        }

        @Override
        public void arrived(EndpointName endpoint) {
        }

        @Override
        public void stop() {
        }
    };
}
