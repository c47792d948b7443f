package io.lwm2mgw.firmware;

import io.lwm2mgw.command.CampaignPort;
import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.CampaignSpec;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.domain.firmware.CampaignStatus.DeviceState;
import io.lwm2mgw.domain.firmware.CampaignStatus.State;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.domain.firmware.FirmwareImageSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Firmware for a group: runs each campaign's devices through the command router (so sleeping devices are
 * updated when they wake), at most {@code maxConcurrent} updating at once, and stops starting new ones once
 * the failed share exceeds {@code maxFailureRatio}. Every change is stored before it is published, and a
 * restarted gateway carries on: updates that were running start again once their devices register.
 * All state is confined to one thread.
 */
@ApplicationScoped
public class CampaignFlow implements CampaignPort {

    private static final Logger LOG = Logger.getLogger(CampaignFlow.class);

    private final CommandRouter router;
    private final CampaignStatusSink statuses;
    private final CampaignStore store;
    private final FirmwareImageStore images;
    private final Duration defaultTimeout;
    private final Duration defaultTtl;
    private final Clock clock;
    private final CampaignLease lease;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "campaigns");
        t.setDaemon(true);
        return t;
    });
    /** Confined to {@link #thread}. */
    private final Map<String, Campaign> campaigns = new HashMap<>();
    /** Confined to {@link #thread}: campaigns whose image is being resolved before they start. */
    private final Set<String> resolving = new HashSet<>();

    /** One campaign's live state. */
    private static final class Campaign {
        final CampaignSpec spec;
        State state;
        final Map<EndpointName, DeviceState> devices;
        /** The image, held in the cache for as long as the campaign has devices to update; null once let go. */
        FirmwareImage pinned;

        Campaign(CampaignSpec spec, State state, Map<EndpointName, DeviceState> devices) {
            this.spec = spec;
            this.state = state;
            this.devices = devices;
        }

        long count(DeviceState which) {
            return devices.values().stream().filter(which::equals).count();
        }
    }

    public CampaignFlow(CommandRouter router, CampaignStatusSink statuses, GatewayConfig config,
            FirmwareImageStore images, Clock clock, CampaignStore store, CampaignLease lease) {
        this.clock = clock;
        this.lease = lease;
        this.router = router;
        this.statuses = statuses;
        this.images = images;
        this.store = store;
        this.defaultTimeout = config.firmware().totalTimeout();
        this.defaultTtl = config.commands().defaultTtl();
    }

    @Override
    public void start(CampaignSpec spec) {
        onThread(() -> {
            Campaign known = campaigns.get(spec.id());
            if (known != null) {
                LOG.infof("campaign %s is already known (%s): publishing its status again", spec.id(),
                        known.state.wireName());
                publish(known, Optional.empty());
                return;
            }
            if (!resolving.add(spec.id())) {
                LOG.infof("campaign %s is already starting: its image is being fetched", spec.id());
                return;
            }
            if (!lease.hold(spec.id())) {
                resolving.remove(spec.id());
                LOG.infof("campaign %s runs on another replica: this start is not repeated here", spec.id());
                return;
            }
            Optional<CampaignStore.Stored> stored = lease.renewEvery().isEmpty() ? Optional.empty()
                    : store.loadAll().stream().filter(c -> c.spec().id().equals(spec.id())).findFirst();
            if (stored.isPresent()) {
                // another replica started it before (and ended it, or died): carried on, never started twice
                resolving.remove(spec.id());
                carryOn(stored.get());
                Campaign carried = campaigns.get(spec.id());
                if (carried != null && !hasWork(carried)) {
                    lease.release(spec.id());
                    publish(carried, Optional.empty());
                }
                return;
            }
            // one image for every device: fetched once now, then named by its digest in the stored campaign
            images.resolve(spec.image()).whenComplete((image, error) -> onThread(() -> {
                resolving.remove(spec.id());
                if (error != null) {
                    lease.release(spec.id());
                    Throwable cause = error.getCause() != null && !(error instanceof ImageUnavailable)
                            ? error.getCause() : error;
                    reject(spec.id(), cause instanceof ImageUnavailable ? cause.getMessage()
                            : "image unavailable: " + cause);
                    return;
                }
                begin(pinnedTo(spec, image), image);
            }));
        });
    }

    private void begin(CampaignSpec spec, FirmwareImage image) {
        Map<EndpointName, DeviceState> devices = new LinkedHashMap<>();
        spec.endpoints().forEach(ep -> devices.put(ep, DeviceState.PENDING));
        Campaign campaign = new Campaign(spec, State.RUNNING, devices);
        images.pin(image);
        campaign.pinned = image;
        campaigns.put(spec.id(), campaign);
        LOG.infof("campaign %s started: %d devices, %d at once, stops above %.0f%% failed, image %s (%d bytes)",
                spec.id(), devices.size(), spec.maxConcurrent(), spec.maxFailureRatio() * 100, image.sha256(),
                image.size());
        advance(campaign, false);
    }

    /** The campaign with its URL image pinned to the digest it had when the campaign started. */
    private static CampaignSpec pinnedTo(CampaignSpec spec, FirmwareImage image) {
        if (!(spec.image() instanceof FirmwareImageSource.FromUrl url)) {
            return spec;
        }
        return new CampaignSpec(spec.id(), spec.endpoints(),
                new FirmwareImageSource.FromUrl(url.url(), Optional.of(image.sha256())), spec.delivery(),
                spec.executeUpdate(), spec.maxConcurrent(), spec.maxFailureRatio(), spec.timeout(), spec.ttl());
    }

    @Override
    public void cancel(String id) {
        onThread(() -> {
            Campaign campaign = campaigns.get(id);
            if (campaign == null) {
                reject(id, "no campaign " + id);
                return;
            }
            if (campaign.state == State.RUNNING) {
                campaign.state = State.CANCELLED;
                campaign.devices.replaceAll((ep, s) -> s == DeviceState.PENDING ? DeviceState.CANCELLED : s);
                LOG.infof("campaign %s cancelled; %d updates still running finish on their own", id,
                        campaign.count(DeviceState.UPDATING) + campaign.count(DeviceState.QUEUED));
            }
            saveAndPublish(campaign);
        });
    }

    @Override
    public void reject(String id, String error) {
        onThread(() -> {
            LOG.infof("invalid campaign message for %s: %s", id, error);
            // not retained: an unknown id must leave nothing behind, and a known campaign keeps its status
            statuses.answer(new CampaignStatus(id, clock.instant(), State.INVALID, Map.of(), Optional.of(error)));
            Campaign known = campaigns.get(id);
            if (known != null) {
                // a compacted topic keeps the last record per id: that must be the campaign's, not the answer
                publish(known, Optional.empty());
            } else if (!resolving.contains(id)) {
                statuses.forget(id);
            }
        });
    }

    /**
     * Every campaign this gateway knows (running, or ended and still stored), as its status now; for those who
     * show campaigns rather than follow their topic (the operator API). Completes on the campaigns' thread.
     */
    public java.util.concurrent.CompletionStage<java.util.List<CampaignStatus>> statuses() {
        java.util.concurrent.CompletableFuture<java.util.List<CampaignStatus>> answer =
                new java.util.concurrent.CompletableFuture<>();
        onThread(() -> answer.complete(campaigns.values().stream()
                .map(c -> new CampaignStatus(c.spec.id(), clock.instant(), c.state, c.devices, Optional.empty()))
                .toList()));
        return answer;
    }

    /**
     * Reads back campaigns after a restart; runs after the router read back its own queued commands. With
     * several replicas, each running campaign goes on at the replica that takes its lease, and every replica
     * renews its leases and looks for campaigns without a holder every {@link CampaignLease#renewEvery()}.
     */
    public void resume() {
        onThread(() -> store.loadAll().forEach(this::carryOn));
        lease.renewEvery().ifPresent(every -> thread.scheduleWithFixedDelay(() -> step(this::renewLeases),
                every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** A stored campaign: known here, and carried on if it has work left and this replica holds its lease. */
    private void carryOn(CampaignStore.Stored stored) {
        Campaign campaign = new Campaign(stored.spec(), stored.state(), new LinkedHashMap<>(stored.devices()));
        if (!hasWork(campaign)) {
            campaigns.put(campaign.spec.id(), campaign);
            return;
        }
        if (!lease.hold(campaign.spec.id())) {
            LOG.debugf("campaign %s runs on another replica", campaign.spec.id());
            return;
        }
        campaigns.put(campaign.spec.id(), campaign);
        campaign.spec.image().expectedSha256().flatMap(images::find).ifPresent(image -> {
            images.pin(image);
            campaign.pinned = image;
        });
        LOG.infof("campaign %s resumed: %d succeeded, %d failed, %d to go", campaign.spec.id(),
                campaign.count(DeviceState.SUCCEEDED), campaign.count(DeviceState.FAILED),
                campaign.count(DeviceState.PENDING) + campaign.count(DeviceState.UPDATING)
                        + campaign.count(DeviceState.QUEUED));
        // the updates that were running start again once their devices register with this gateway
        campaign.devices.forEach((ep, s) -> {
            if (s == DeviceState.UPDATING || s == DeviceState.QUEUED) {
                submit(campaign, ep, true);
            }
        });
        advance(campaign, true);
    }

    /** Renews the leases of the campaigns running here; takes over those whose holder let its lease lapse. */
    private void renewLeases() {
        for (Campaign campaign : java.util.List.copyOf(campaigns.values())) {
            if (hasWork(campaign) && !lease.hold(campaign.spec.id())) {
                LOG.warnf("campaign %s: its lease went to another replica, which carries it on", campaign.spec.id());
                campaigns.remove(campaign.spec.id());
            }
        }
        for (CampaignStore.Stored stored : store.loadAll()) {
            Campaign known = campaigns.get(stored.spec().id());
            if ((known == null || !hasWork(known)) && !resolving.contains(stored.spec().id())) {
                Campaign candidate = new Campaign(stored.spec(), stored.state(), new LinkedHashMap<>(stored.devices()));
                if (hasWork(candidate)) {
                    carryOn(stored);
                } else if (known == null) {
                    campaigns.put(candidate.spec.id(), candidate); // ended elsewhere: known here for the API
                }
            }
        }
    }

    private static boolean hasWork(Campaign campaign) {
        return campaign.state == State.RUNNING || campaign.count(DeviceState.UPDATING) > 0
                || campaign.count(DeviceState.QUEUED) > 0;
    }

    /** Starts devices up to the concurrency limit, or ends the campaign when nothing is left. */
    private void advance(Campaign campaign, boolean afterRestart) {
        if (campaign.state == State.RUNNING) {
            long total = campaign.devices.size();
            if (campaign.count(DeviceState.FAILED) > campaign.spec.maxFailureRatio() * total) {
                campaign.state = State.STOPPED;
                campaign.devices.replaceAll((ep, s) -> s == DeviceState.PENDING ? DeviceState.CANCELLED : s);
                LOG.warnf("campaign %s stopped: %d of %d devices failed, above the ratio %.2f", campaign.spec.id(),
                        campaign.count(DeviceState.FAILED), total, campaign.spec.maxFailureRatio());
            } else {
                for (Map.Entry<EndpointName, DeviceState> e : campaign.devices.entrySet()) {
                    if (campaign.count(DeviceState.UPDATING) >= campaign.spec.maxConcurrent()) {
                        break;
                    }
                    if (e.getValue() == DeviceState.PENDING) {
                        e.setValue(DeviceState.UPDATING);
                        submit(campaign, e.getKey(), afterRestart);
                    }
                }
                if (campaign.count(DeviceState.PENDING) + campaign.count(DeviceState.UPDATING)
                        + campaign.count(DeviceState.QUEUED) == 0) {
                    campaign.state = State.COMPLETED;
                    LOG.infof("campaign %s completed: %d succeeded, %d failed", campaign.spec.id(),
                            campaign.count(DeviceState.SUCCEEDED), campaign.count(DeviceState.FAILED));
                }
            }
        }
        saveAndPublish(campaign);
    }

    private void submit(Campaign campaign, EndpointName endpoint, boolean afterRestart) {
        CampaignSpec spec = campaign.spec;
        CommandRequest request = new CommandRequest("campaign:" + spec.id() + ":" + endpoint.value(), endpoint,
                new DeviceCommand.UpdateFirmware(spec.image(), spec.delivery(), spec.executeUpdate()),
                spec.timeout().orElse(defaultTimeout), spec.ttl().orElse(defaultTtl), clock.instant(),
                Optional.empty());
        router.submitInternal(request, result -> onThread(() -> deviceResult(campaign, endpoint, result)),
                afterRestart);
    }

    private void deviceResult(Campaign campaign, EndpointName endpoint, CommandResult result) {
        if (campaigns.get(campaign.spec.id()) != campaign) {
            return;
        }
        DeviceState next;
        if (result.status() == CommandStatus.QUEUED) {
            next = DeviceState.QUEUED;
        } else if (result.status() == CommandStatus.SUCCESS) {
            next = DeviceState.SUCCEEDED;
        } else if (result.status() == CommandStatus.CANCELLED && result.error().orElse("").contains("stopping")) {
            return; // the gateway stops: the stored state says updating, and the next gateway starts it again
        } else {
            next = DeviceState.FAILED;
            LOG.infof("campaign %s: %s failed (%s: %s)", campaign.spec.id(), endpoint, result.status().wireName(),
                    result.error().orElse(""));
        }
        campaign.devices.put(endpoint, next);
        advance(campaign, false);
    }

    private void saveAndPublish(Campaign campaign) {
        if (campaign.pinned != null && campaign.state != State.RUNNING && campaign.count(DeviceState.UPDATING)
                + campaign.count(DeviceState.QUEUED) == 0) {
            images.unpin(campaign.pinned); // no device of it will ask for the image again
            campaign.pinned = null;
        }
        if (!hasWork(campaign)) {
            lease.release(campaign.spec.id());
        }
        try {
            store.save(campaign.spec, campaign.state, campaign.devices);
        } catch (RuntimeException e) {
            LOG.errorf("campaign %s not stored: %s", campaign.spec.id(), e.getMessage());
        }
        publish(campaign, Optional.empty());
    }

    private void publish(Campaign campaign, Optional<String> error) {
        statuses.publish(new CampaignStatus(campaign.spec.id(), clock.instant(), campaign.state,
                campaign.devices, error));
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(() -> step(task));
        } catch (RejectedExecutionException e) {
            LOG.debugf("campaign flow stopped; dropping a step");
        }
    }

    private static void step(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "campaign step failed");
        }
    }

    public void stop() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
