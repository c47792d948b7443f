package io.lwm2mgw.northbound;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.ops.Lwm2mMetrics;
import io.quarkus.arc.All;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The single path from domain events to the northbound: encodes each event once and offers it to every
 * enabled sink. Safe to call from protocol threads: encoding is pure and offering never blocks. Events of one
 * device reach every sink in the order this method was called for them.
 */
@ApplicationScoped
public class EventFanOut {

    private static final Logger LOG = Logger.getLogger(EventFanOut.class);

    private final EventCodec codec;
    private final ResultCodec results;
    private final CampaignCodec campaigns;
    private final String source;
    private final List<EventSink> sinks;
    // looked up lazily: the metrics bean needs the LwM2M endpoint, which needs this fan-out
    private final Instance<Lwm2mMetrics> metrics;
    // looked up lazily as well: listeners (the firmware flow) publish through this fan-out
    private final Instance<DeviceEventListener> listeners;
    private volatile List<DeviceEventListener> resolvedListeners;

    public EventFanOut(ObjectMapper mapper, GatewayConfig config, @All List<EventSink> sinks,
            Instance<Lwm2mMetrics> metrics, @Any Instance<DeviceEventListener> listeners) {
        this.listeners = listeners;
        this.codec = EventCodec.withRandomIds(mapper, config.id());
        this.results = new ResultCodec(mapper, config.id());
        this.campaigns = new CampaignCodec(mapper);
        this.source = "/lwm2m-gateway/" + config.id();
        this.sinks = List.copyOf(sinks);
        this.metrics = metrics;
    }

    public void publish(DeviceEvent event) {
        metrics.get().record(event);
        List<OutboundMessage> messages;
        try {
            messages = codec.encode(event);
        } catch (RuntimeException e) {
            LOG.errorf("cannot encode %s of %s: %s", event.getClass().getSimpleName(), event.endpoint(), e);
            return;
        }
        for (EventSink sink : sinks) {
            if (sink.enabled()) {
                for (OutboundMessage message : messages) {
                    sink.offer(message);
                }
            }
        }
        List<DeviceEventListener> current = resolvedListeners;
        if (current == null) {
            current = listeners.stream().toList();
            resolvedListeners = current;
        }
        for (DeviceEventListener listener : current) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.errorf("listener %s failed on %s of %s: %s", listener.getClass().getSimpleName(),
                        event.getClass().getSimpleName(), event.endpoint(), e);
            }
        }
    }

    /** Publishes a command result to every enabled sink (MQTT result or response topic, Kafka results). */
    public void publishResult(CommandResult result) {
        OutboundMessage message;
        try {
            message = results.encode(result);
        } catch (RuntimeException e) {
            LOG.errorf("cannot encode the result of command %s: %s", result.id().orElse("?"), e);
            return;
        }
        for (EventSink sink : sinks) {
            if (sink.enabled()) {
                sink.offer(message);
            }
        }
    }

    /** Publishes a campaign's status (retained on MQTT, compacted on Kafka). */
    public void publishCampaign(io.lwm2mgw.domain.firmware.CampaignStatus status) {
        OutboundMessage message;
        try {
            message = new OutboundMessage(OutboundMessage.Channel.CAMPAIGN,
                    io.lwm2mgw.domain.device.EndpointName.of(status.id()), "status",
                    campaigns.bytes(campaigns.status(status)), new CloudEventAttributes(
                            java.util.UUID.randomUUID().toString(), source, "lwm2m.campaign", status.id(),
                            status.time()));
        } catch (RuntimeException e) {
            LOG.errorf("cannot encode the status of campaign %s: %s", status.id(), e);
            return;
        }
        for (EventSink sink : sinks) {
            if (sink.enabled()) {
                sink.offer(message);
            }
        }
    }

    public List<EventSink> sinks() {
        return sinks;
    }
}
