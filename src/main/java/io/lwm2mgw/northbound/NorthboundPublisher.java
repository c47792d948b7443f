package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.command.ResultSink;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.events.DeviceEventListener;
import io.lwm2mgw.firmware.CampaignStatusSink;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * The northbound's one way out: encodes each device event, command result and campaign status once and
 * offers it to every enabled sink. Safe to call from protocol threads: encoding is pure and offering never
 * blocks. Messages of one topic reach every sink in the order they were published here.
 */
@ApplicationScoped
public class NorthboundPublisher implements DeviceEventListener, ResultSink, CampaignStatusSink {

    private static final Logger LOG = Logger.getLogger(NorthboundPublisher.class);

    private final EventCodec codec;
    private final ResultCodec results;
    private final CampaignCodec campaigns;
    private final String source;
    private final List<EventSink> sinks;
    private final DevicePort devices;

    private final java.time.Clock clock;

    public NorthboundPublisher(ObjectMapper mapper, GatewayConfig config, @All List<EventSink> sinks,
            DevicePort devices, java.time.Clock clock) {
        this.clock = clock;
        this.codec = EventCodec.withRandomIds(mapper, config.id(), clock);
        this.results = new ResultCodec(mapper, config.id());
        this.campaigns = new CampaignCodec(mapper);
        this.source = "/lwm2m-gateway/" + config.id();
        this.sinks = List.copyOf(sinks);
        this.devices = devices;
    }

    /** First of the bus's listeners: what others publish in reaction to an event follows it on the wire. */
    @Override
    public int order() {
        return 0;
    }

    @Override
    public void onEvent(DeviceEvent event) {
        List<OutboundMessage> messages;
        try {
            messages = codec.encode(event);
        } catch (RuntimeException e) {
            LOG.errorf("cannot encode %s of %s: %s", event.getClass().getSimpleName(), event.endpoint(), e);
            return;
        }
        for (OutboundMessage message : messages) {
            offer(message);
        }
    }

    /** Publishes a command result to every enabled sink (MQTT result or response topic, Kafka results). */
    @Override
    public CompletionStage<Void> publish(CommandResult result) {
        OutboundMessage message;
        try {
            message = results.encode(result);
        } catch (RuntimeException e) {
            // a result that cannot be encoded can never be confirmed: do not hold its command forever
            LOG.errorf("cannot encode the result of command %s: %s", result.id().orElse("?"), e);
            return CompletableFuture.completedFuture(null);
        }
        return offer(message);
    }

    /** Publishes a campaign's status (retained on MQTT, compacted on Kafka). */
    @Override
    public void publish(CampaignStatus status) {
        publish(status, OutboundMessage.Channel.CAMPAIGN);
    }

    /** Answers a campaign message that changed no campaign on its status topic, never retained. */
    @Override
    public void answer(CampaignStatus status) {
        publish(status, OutboundMessage.Channel.CAMPAIGN_ANSWER);
    }

    /** A Kafka tombstone for an id that has no campaign; MQTT does not carry it. */
    @Override
    public void forget(String id) {
        offer(new OutboundMessage(OutboundMessage.Channel.CAMPAIGN_CLEARED,
                io.lwm2mgw.domain.device.EndpointName.of(id), "status", new byte[0],
                new CloudEventAttributes(EventCodec.randomId(), source, "lwm2m.campaign", id, clock.instant())));
    }

    private void publish(CampaignStatus status, OutboundMessage.Channel channel) {
        OutboundMessage message;
        try {
            message = new OutboundMessage(channel,
                    io.lwm2mgw.domain.device.EndpointName.of(status.id()), "status",
                    campaigns.bytes(campaigns.status(status)), new CloudEventAttributes(
                            EventCodec.randomId(), source, "lwm2m.campaign", status.id(), status.time()));
        } catch (RuntimeException e) {
            LOG.errorf("cannot encode the status of campaign %s: %s", status.id(), e);
            return;
        }
        offer(message);
    }

    /**
     * A broker lost what it retained (it came back without our session): publish every registered device's
     * status again, so that retained state is whole again.
     */
    void republishStatuses(@ObservesAsync RetainedStateLost lost) {
        List<DeviceStatus> statuses = devices.registeredStatuses();
        for (DeviceStatus status : statuses) {
            try {
                lost.sink().offer(codec.status(status));
            } catch (RuntimeException e) {
                LOG.errorf("cannot encode the status of %s: %s", status.endpoint(), e);
            }
        }
        LOG.infof("%s lost its session: the retained status of %d registered devices published again",
                lost.sink().name(), statuses.size());
    }

    private CompletionStage<Void> offer(OutboundMessage message) {
        List<CompletableFuture<Void>> confirmations = new ArrayList<>(sinks.size());
        for (EventSink sink : sinks) {
            if (sink.enabled() && sink.carries(message.channel())) {
                confirmations.add(sink.offer(message).toCompletableFuture());
            }
        }
        return confirmations.size() == 1 ? confirmations.get(0) : confirmations.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new));
    }

    public List<EventSink> sinks() {
        return sinks;
    }
}
