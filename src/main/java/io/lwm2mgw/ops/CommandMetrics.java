package io.lwm2mgw.ops;

import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.command.ResultSink;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.FirmwareProgressed;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.events.DeviceEventListener;
import io.lwm2mgw.firmware.CampaignFlow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The command plane's Prometheus figures: {@code lwm2m_commands_total{op,status}} (final results),
 * {@code lwm2m_command_round_trip_seconds{op}} (a histogram, from the request leaving for the device to its
 * answer), {@code lwm2m_commands_waiting} (commands answered {@code queued} for a sleeping device and not ended
 * since this start), {@code lwm2m_firmware_updates_total{outcome}}, {@code lwm2m_firmware_updates_in_progress}
 * and {@code lwm2m_campaigns{state}}. It sees results and requests by wrapping the router's result sink and the
 * device port (see app), and firmware progress as a listener on the bus. Never blocks.
 */
@ApplicationScoped
public class CommandMetrics implements DeviceEventListener {

    private static final String FIRMWARE_OP = "firmware-update";

    private final MeterRegistry registry;
    private final Instance<CampaignFlow> campaigns;
    private final Map<String, Counter> results = new ConcurrentHashMap<>();
    private final Map<String, Timer> roundTrips = new ConcurrentHashMap<>();
    private final Map<String, Counter> firmwareOutcomes = new ConcurrentHashMap<>();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final Set<EndpointName> updating = ConcurrentHashMap.newKeySet();
    private volatile Map<CampaignStatus.State, Long> campaignCounts = new EnumMap<>(CampaignStatus.State.class);
    private final List<Meter> meters = new ArrayList<>();

    public CommandMetrics(MeterRegistry registry, Instance<CampaignFlow> campaigns) {
        this.registry = registry;
        this.campaigns = campaigns;
        meters.add(Gauge.builder("lwm2m.commands.waiting", waiting, Set::size)
                .description("Commands queued for sleeping devices and not ended (since this start)")
                .register(registry));
        meters.add(Gauge.builder("lwm2m.firmware.updates.in.progress", updating, Set::size)
                .description("Devices whose firmware update is under way").register(registry));
        for (CampaignStatus.State state : CampaignStatus.State.values()) {
            if (state == CampaignStatus.State.INVALID) {
                continue; // never stored: an invalid campaign message changes no campaign
            }
            meters.add(Gauge.builder("lwm2m.campaigns", this, m -> m.campaigns(state)).tag("state", state.wireName())
                    .description("Campaigns the gateway knows, by state (as of the previous scrape)")
                    .register(registry));
        }
    }

    /** The router's result sink, counting each result (and its firmware outcome) on its way out. */
    public ResultSink counting(ResultSink sink) {
        return result -> {
            try (CommandLogContext ignored = CommandLogContext.of(result)) {
                record(result);
                return sink.publish(result);
            }
        };
    }

    /** The device port, timing every request from the moment it leaves for its device to its answer. */
    public DevicePort timing(DevicePort port) {
        return new DevicePort() {
            @Override
            public void execute(CommandRequest request, Consumer<CommandResult> done) {
                long start = System.nanoTime();
                try (CommandLogContext ignored = CommandLogContext.of(request)) {
                    port.execute(request, result -> {
                        if (result.status() != CommandStatus.QUEUED && result.status() != CommandStatus.INVALID) {
                            roundTrip(result.op().orElse("unknown")).record(System.nanoTime() - start,
                                    java.util.concurrent.TimeUnit.NANOSECONDS);
                        }
                        try (CommandLogContext inner = CommandLogContext.of(request)) {
                            done.accept(result);
                        }
                    });
                }
            }

            @Override
            public boolean isRegistered(EndpointName endpoint) {
                return port.isRegistered(endpoint);
            }

            @Override
            public boolean isSleeping(EndpointName endpoint) {
                return port.isSleeping(endpoint);
            }

            @Override
            public List<DeviceStatus> registeredStatuses() {
                return port.registeredStatuses();
            }

            @Override
            public CommandResult changeCredentials(CommandRequest request) {
                return port.changeCredentials(request);
            }
        };
    }

    private void record(CommandResult result) {
        String op = result.op().orElse("unknown");
        String key = result.id().orElse("") + "\u0000" + result.endpoint().map(EndpointName::value).orElse("");
        if (result.status() == CommandStatus.QUEUED) {
            waiting.add(key);
            return;
        }
        waiting.remove(key);
        results.computeIfAbsent(op + "\u0000" + result.status().wireName(), k -> Counter.builder("lwm2m.commands")
                .tag("op", op).tag("status", result.status().wireName())
                .description("Final command results published, by op and status").register(registry)).increment();
        if (op.equals(FIRMWARE_OP)) {
            result.endpoint().ifPresent(updating::remove);
            firmwareOutcomes.computeIfAbsent(result.status().wireName(), status -> Counter
                    .builder("lwm2m.firmware.updates").tag("outcome", status)
                    .description("Firmware updates ended, by the status of their result").register(registry))
                    .increment();
        }
    }

    private Timer roundTrip(String op) {
        return roundTrips.computeIfAbsent(op, o -> Timer.builder("lwm2m.command.round.trip").tag("op", o)
                .description("From a request leaving for its device to the device's answer (or its timeout)")
                .publishPercentileHistogram().register(registry));
    }

    /** Firmware progress: a device is updating from {@code started} until {@code succeeded} or {@code failed}. */
    @Override
    public void onEvent(DeviceEvent event) {
        if (event instanceof FirmwareProgressed progress) {
            if (progress.state() == FirmwareProgressed.Step.SUCCEEDED
                    || progress.state() == FirmwareProgressed.Step.FAILED) {
                updating.remove(progress.endpoint());
            } else {
                updating.add(progress.endpoint());
            }
        }
    }

    /** The count of the previous scrape; asks for the next one (the campaign flow answers on its own thread). */
    private double campaigns(CampaignStatus.State state) {
        if (state == CampaignStatus.State.RUNNING && campaigns.isResolvable()) {
            campaigns.get().statuses().thenAccept(all -> {
                Map<CampaignStatus.State, Long> counts = new EnumMap<>(CampaignStatus.State.class);
                all.forEach(s -> counts.merge(s.state(), 1L, Long::sum));
                campaignCounts = counts;
            });
        }
        return campaignCounts.getOrDefault(state, 0L);
    }

    /** Our meters go with the application: a registry that outlives it must not call into stopped beans. */
    public void removeMeters() {
        meters.forEach(registry::remove);
        results.values().forEach(registry::remove);
        roundTrips.values().forEach(registry::remove);
        firmwareOutcomes.values().forEach(registry::remove);
    }
}
