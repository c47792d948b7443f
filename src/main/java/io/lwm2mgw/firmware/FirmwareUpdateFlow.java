package io.lwm2mgw.firmware;

import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.command.FirmwareUpdatePort;
import io.lwm2mgw.config.FirmwareConfig;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.event.DeviceDeregistered;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceExpired;
import io.lwm2mgw.domain.event.DeviceRegistered;
import io.lwm2mgw.domain.event.DeviceUpdated;
import io.lwm2mgw.domain.event.FirmwareProgressed;
import io.lwm2mgw.domain.event.ResourceNotified;
import io.lwm2mgw.events.DeviceEventBus;
import io.lwm2mgw.events.DeviceEventListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runs firmware updates, at most one per device. All state lives on one thread (updates are slow and few
 * next to notifications): requests, timers, notifications and transfer progress are handed to it.
 */
@ApplicationScoped
public class FirmwareUpdateFlow implements FirmwareUpdatePort, DeviceEventListener {

    private static final Logger LOG = Logger.getLogger(FirmwareUpdateFlow.class);

    private final DevicePort devices;
    private final FirmwareTransferPort transfer;
    private final FirmwareImageStore images;
    private final DeviceEventBus bus;
    private final FirmwareConfig config;
    private final Duration requestTimeout;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    /** Confined to {@link #thread}. */
    private final Map<EndpointName, DeviceUpdate> running = new HashMap<>();

    public FirmwareUpdateFlow(DevicePort devices, FirmwareTransferPort transfer, FirmwareImageStore images,
            DeviceEventBus bus, GatewayConfig config, Clock clock) {
        this.clock = clock;
        this.devices = devices;
        this.transfer = transfer;
        this.images = images;
        this.bus = bus;
        this.config = config.firmware();
        this.requestTimeout = config.lwm2m().requestTimeout();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "firmware-flow");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start(CommandRequest request, Consumer<CommandResult> done) {
        onFlowThread(UpdateLogContext.bound(request, () -> {
            DeviceUpdate current = running.get(request.endpoint());
            if (current != null) {
                done.accept(CommandResult.of(request, now(), CommandStatus.FAILED, "firmware update "
                        + current.request().id() + " is still running on " + request.endpoint()));
                return;
            }
            DeviceUpdate update = new DeviceUpdate(this, request, done);
            running.put(request.endpoint(), update);
            LOG.infof("firmware update %s of %s started", request.id(), request.endpoint());
            update.start();
        }));
    }

    @Override
    public void onEvent(DeviceEvent event) {
        if (event instanceof FirmwareProgressed) {
            return;
        }
        onFlowThread(() -> {
            DeviceUpdate update = running.get(event.endpoint());
            if (update == null) {
                return;
            }
            UpdateLogContext.bound(update.request(), () -> {
                if (event instanceof ResourceNotified notified) {
                    update.report(notified.values());
                } else if (event instanceof DeviceRegistered || event instanceof DeviceUpdated) {
                    update.reregistered();
                } else if (event instanceof DeviceDeregistered || event instanceof DeviceExpired) {
                    update.gone();
                }
            }).run();
        });
    }

    /** Whether an update is running for the device (read on the flow thread only). */
    int runningCount() {
        return running.size();
    }

    void ended(DeviceUpdate update) {
        running.values().remove(update);
    }

    void onFlowThread(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "firmware flow step failed");
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debugf("firmware flow stopped; dropping a step");
        }
    }

    /** Runs {@code task} on the flow's thread after {@code delay}; an update binds its log context to it. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return thread.schedule(() -> onFlowThreadNow(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    ScheduledFuture<?> scheduleRepeating(Runnable task, Duration period) {
        return thread.scheduleWithFixedDelay(() -> onFlowThreadNow(task), period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static void onFlowThreadNow(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "firmware flow step failed");
        }
    }

    void publish(FirmwareProgressed event) {
        bus.publish(event);
    }

    Instant now() {
        return clock.instant();
    }

    DevicePort devices() {
        return devices;
    }

    FirmwareTransferPort transfer() {
        return transfer;
    }

    FirmwareImageStore images() {
        return images;
    }

    int blockSize() {
        return config.blockSize();
    }

    Duration pollInterval() {
        return config.pollInterval();
    }

    Duration downloadTimeout() {
        return config.deviceDownloadTimeout();
    }

    Duration updateTimeout() {
        return config.updateTimeout();
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public void abandonAll() {
        try {
            thread.submit(() -> List.copyOf(running.values()).forEach(u -> UpdateLogContext.bound(u.request(),
                    () -> u.abandon("the gateway is stopping")).run())).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("firmware updates not abandoned cleanly: %s", e.toString());
        }
    }

    public void stop() {
        thread.shutdownNow();
    }
}
