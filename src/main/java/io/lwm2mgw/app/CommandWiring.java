package io.lwm2mgw.app;

import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.command.DeviceLanes;
import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.command.FirmwareUpdatePort;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.command.QueuedCommandStore;
import io.lwm2mgw.command.ReplicaHandover;
import io.lwm2mgw.command.LanedDevicePort;
import io.lwm2mgw.command.ResultSink;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.ops.CommandMetrics;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Builds the command side: the one clock, the device lanes every sender goes through, the router with its
 * stores, and starts and stops them around the LwM2M server.
 */
@ApplicationScoped
public class CommandWiring {

    private volatile ScheduledExecutorService ttlChecker;

    /** The one clock of the application; tests move their own. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    DeviceLanes lanes() {
        return new DeviceLanes();
    }

    /** The device port every sender uses: one request in flight per device. */
    @Produces
    @Singleton
    DevicePort devices(Lwm2mEndpoint endpoint, DeviceLanes lanes, CommandMetrics metrics) {
        // timed inside the lane: from the request leaving for its device to the answer, not the wait for a turn
        return new LanedDevicePort(metrics.timing(endpoint), lanes);
    }

    @Produces
    @Singleton
    CommandRouter router(DevicePort devices, FirmwareUpdatePort firmware, ResultSink results, GatewayConfig config,
            Clock clock, QueuedCommandStore queued, LedgerStore ledger, CommandMetrics metrics,
            ReplicaHandover replicas) {
        GatewayConfig.CommandsConfig commands = config.commands();
        ExecutorService writer = Executors.newSingleThreadExecutor(Threads.named("command-store"));
        return new CommandRouter(devices, firmware, metrics.counting(results),
                queued, ledger, clock, commands.maxQueuedPerDevice(),
                commands.completedIdsRemembered(), writer, replicas);
    }

    /** Right after the LwM2M server started with its restored registrations, so that those count as registered. */
    void start(CommandRouter router, GatewayConfig config) {
        router.reloadStored();
        long period = config.commands().ttlCheckInterval().toMillis();
        ttlChecker = Executors.newSingleThreadScheduledExecutor(Threads.named("command-ttl"));
        ttlChecker.scheduleWithFixedDelay(router::expireDue, period, period, TimeUnit.MILLISECONDS);
    }

    /** First of all at shutdown: what arrives or ends from now on is left for redelivery. */
    void stop(CommandRouter router) {
        router.stop();
        ScheduledExecutorService checker = ttlChecker;
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    /** Once the LwM2M server has stopped: pending store writes are flushed. */
    void close(CommandRouter router) {
        router.close();
    }
}
