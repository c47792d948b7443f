package io.lwm2mgw.app;

import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.firmware.CampaignFlow;
import io.lwm2mgw.firmware.FirmwareImageStore;
import io.lwm2mgw.firmware.FirmwareUpdateFlow;
import io.lwm2mgw.northbound.kafka.KafkaSink;
import io.lwm2mgw.northbound.mqtt.MqttSink;
import io.lwm2mgw.ops.ConfigValidation;
import io.lwm2mgw.ops.Lwm2mMetrics;
import io.lwm2mgw.ops.StoreDirectories;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.lwm2mgw.southbound.lwm2m.Lwm2mFirmwareTransfer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The gateway's one start and one stop, in the order written here: nothing else observes Quarkus' startup or
 * shutdown. Beans are injected as client proxies (or, for singletons, looked up when first used), so none is
 * made before the step that needs it: the checks of configuration and store folders come before any store. A part that is started depends only on parts started before it; parts stop so that nothing is
 * accepted that cannot be finished, and everything accepted is written before the stores close.
 */
@ApplicationScoped
public class Lifecycle {

    @Inject
    GatewayConfig config;
    @Inject
    ConfigValidation validation;
    @Inject
    StoreDirectories stores;
    @Inject
    Lwm2mEndpoint lwm2m;
    @Inject
    CommandWiring commands;
    @Inject
    StateWiring state;
    /** A singleton, made when first asked for: only after the store folders were checked. */
    @Inject
    Instance<CommandRouter> router;
    @Inject
    MqttSink mqtt;
    @Inject
    KafkaSink kafka;
    @Inject
    CampaignFlow campaigns;
    @Inject
    FirmwareImageStore images;
    @Inject
    FirmwareUpdateFlow firmware;
    @Inject
    Lwm2mFirmwareTransfer transfer;
    @Inject
    Lwm2mMetrics metrics;
    @Inject
    io.lwm2mgw.ops.CommandMetrics commandMetrics;
    @Inject
    io.lwm2mgw.api.EventStream events;

    void start(@Observes StartupEvent event) {
        // a thread killed by a full heap ends the process, so that the pod restarts instead of staying deaf
        OutOfMemoryExit.install();
        // every bad key at once, before anything opens a port or a file
        validation.validate(config);
        // every store folder checked, cleaned and locked before a store reads it
        stores.open(config);
        // the LwM2M server with its restored registrations, so that those count as registered below
        lwm2m.start();
        // commands that waited in the store, and their ttl
        commands.start(router.get(), config);
        // the northbound: what happened meanwhile waits in the sinks' queues until they connect
        mqtt.start();
        kafka.start();
        // campaigns after the router read back its own queued commands
        campaigns.resume();
        images.onStart();
    }

    void stop(@Observes ShutdownEvent event) {
        // first: what arrives or ends from now on is left for redelivery; open event streams end (most ended
        // already when the shutdown delay began)
        commands.stop(router.get());
        events.closeAll();
        lwm2m.stop();
        transfer.stop();
        firmware.stop();
        campaigns.stop();
        // once the LwM2M server has stopped: the router's pending store writes are flushed
        commands.close(router.get());
        // results published until now still go out
        mqtt.stop();
        kafka.stop();
        // every part that writes state has written what it had
        state.close();
        stores.close();
        metrics.removeMeters();
        commandMetrics.removeMeters();
    }
}
