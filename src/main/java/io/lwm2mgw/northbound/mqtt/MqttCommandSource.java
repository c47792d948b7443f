package io.lwm2mgw.northbound.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.northbound.CommandCodec;
import io.lwm2mgw.northbound.TopicScheme;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Takes commands from {@code {root}/{ep}/commands/{op}} (QoS 1). A command is acknowledged to the broker only
 * once its final result is out (or it is queued for a sleeping device), so a gateway that crashes in between
 * gets it again. The session is persistent: commands sent while the gateway is away wait at the broker.
 */
@ApplicationScoped
public class MqttCommandSource {

    private static final Logger LOG = Logger.getLogger(MqttCommandSource.class);

    private final CommandRouter router;
    private final io.lwm2mgw.command.CampaignPort campaigns;
    private final io.lwm2mgw.northbound.CampaignCodec campaignCodec;
    private final CommandCodec codec;
    private final TopicScheme topics;
    private final Optional<String> responseTopicFilter;
    private final Clock clock;
    /** The group of a shared subscription (replicas on the redis backend), or empty: a plain one. */
    private final Optional<String> sharedGroup;
    private volatile boolean stopped;

    public MqttCommandSource(CommandRouter router, io.lwm2mgw.command.CampaignPort campaigns, ObjectMapper mapper,
            GatewayConfig config, Clock clock) {
        this.clock = clock;
        this.router = router;
        this.campaigns = campaigns;
        this.campaignCodec = new io.lwm2mgw.northbound.CampaignCodec(mapper);
        this.codec = CommandCodec.of(mapper, config);
        this.topics = new TopicScheme(config.mqtt().topicRoot());
        this.responseTopicFilter = config.mqtt().responseTopicFilter();
        this.sharedGroup = "redis".equals(config.state().backend())
                ? Optional.of(config.mqtt().sharedGroup().orElse(topics.defaultSharedGroup()))
                : Optional.empty();
    }

    /** Called before the first connect: catches every command, also those the session kept meanwhile. */
    void attach(Mqtt5AsyncClient client) {
        client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish, true);
    }

    /**
     * Called on every (re)connection: the subscriptions are idempotent and cover a lost session. Replicas on the
     * redis backend subscribe as one shared group, so that each command reaches one of them; the other form of
     * each filter is dropped, since a persistent session keeps what an earlier configuration subscribed.
     */
    void subscribe(Mqtt5AsyncClient client) {
        subscribe(client, topics.commandFilter());
        subscribe(client, topics.campaignFilter());
    }

    private void subscribe(Mqtt5AsyncClient client, String filter) {
        String wanted = sharedGroup.map(group -> TopicScheme.shared(group, filter)).orElse(filter);
        String other = sharedGroup.isPresent() ? filter : TopicScheme.shared(topics.defaultSharedGroup(), filter);
        // noLocal: whatever the gateway publishes itself never comes back to it as a command; MQTT 5 forbids it
        // on a shared subscription, where nothing the gateway publishes matches the filters anyway
        client.subscribeWith().topicFilter(wanted).noLocal(sharedGroup.isEmpty()).qos(MqttQos.AT_LEAST_ONCE).send()
                .whenComplete((ack, error) -> {
                    if (error != null) {
                        LOG.warnf("could not subscribe to %s: %s", wanted, error.getMessage());
                    }
                });
        client.unsubscribeWith().topicFilter(other).send().whenComplete((ack, error) -> {
            if (error != null) {
                LOG.debugf("could not unsubscribe from %s: %s", other, error.getMessage());
            }
        });
    }

    /**
     * Before the LwM2M server stops (priority 1): commands arriving from now on are left unacknowledged, so the
     * broker delivers them again to the next session instead of this gateway failing them.
     */
    void stop(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(0) io.quarkus.runtime.ShutdownEvent event) {
        stopped = true;
    }

    private void onPublish(Mqtt5Publish publish) {
        if (stopped) {
            LOG.debugf("stopping: %s left for redelivery", publish.getTopic());
            return;
        }
        try {
            accept(publish);
        } catch (RuntimeException e) {
            // an exception would end the client's publish flow: no further command would arrive
            LOG.errorf("command on %s not handled: %s", publish.getTopic(), e);
        }
    }

    private void accept(Mqtt5Publish publish) {
        String topic = publish.getTopic().toString();
        LOG.debugf("command arrived on %s", topic);
        Optional<TopicScheme.CampaignTopic> campaign = topics.parseCampaign(topic);
        if (campaign.isPresent()) {
            acceptCampaign(campaign.get(), publish.getPayloadAsBytes());
            publish.acknowledge();
            return;
        }
        Optional<TopicScheme.CommandTopic> command = topics.parseCommand(topic);
        Optional<String> topicProblem = Optional.empty();
        if (command.isEmpty()) {
            Optional<TopicScheme.RefusedCommandTopic> refused = topics.refusedCommand(topic);
            if (refused.isEmpty()) {
                LOG.debugf("ignoring a message on %s", topic);
                publish.acknowledge();
                return;
            }
            // a command all the same: it gets its one invalid result, under the name it can be answered with
            command = Optional.of(new TopicScheme.CommandTopic(refused.get().endpoint(), refused.get().op()));
            topicProblem = Optional.of(refused.get().problem());
        }
        Optional<ReplyAddress> replyTo = publish.getResponseTopic().map(responseTopic -> new ReplyAddress(
                responseTopic.toString(), publish.getCorrelationData().map(MqttCommandSource::bytes)));
        Optional<String> replyProblem = topicProblem.or(() -> replyProblem(publish, replyTo));
        if (replyProblem.isPresent()) {
            // refused, answering on the usual results topic: the response topic is unusable or not allowed
            CommandCodec.Decoded decoded = codec.decode(publish.getPayloadAsBytes(),
                    Optional.of(command.get().endpoint()), Optional.of(command.get().op()), Optional.empty(),
                    clock.instant());
            CommandResult refused = decoded instanceof CommandCodec.Decoded.Accepted accepted
                    ? CommandResult.of(accepted.request(), clock.instant(), CommandStatus.INVALID,
                            replyProblem.get())
                    : ((CommandCodec.Decoded.Rejected) decoded).result();
            router.reject(refused, publish::acknowledge);
            return;
        }
        CommandCodec.Decoded decoded = codec.decode(publish.getPayloadAsBytes(), Optional.of(command.get().endpoint()),
                Optional.of(command.get().op()), replyTo, clock.instant());
        if (decoded instanceof CommandCodec.Decoded.Accepted accepted) {
            router.submit(accepted.request(), publish::acknowledge);
        } else {
            router.reject(((CommandCodec.Decoded.Rejected) decoded).result(), publish::acknowledge);
        }
    }

    /**
     * Why a command's reply address cannot be used: a property the MQTT client could not decode (removed by
     * {@link PublishPropertyRepair}), a response topic under the gateway's topic root, or one outside
     * {@code gateway.mqtt.response-topic-filter}.
     */
    private Optional<String> replyProblem(Mqtt5Publish publish, Optional<ReplyAddress> replyTo) {
        for (var property : publish.getUserProperties().asList()) {
            if (property.getName().toString().equals(PublishPropertyRepair.MARKER)) {
                return Optional.of(property.getValue().toString());
            }
        }
        if (replyTo.isEmpty()) {
            return Optional.empty();
        }
        String topic = replyTo.get().topic();
        if (topics.isUnderRoot(topic)) {
            // results there would pose as the gateway's own statuses, events or commands
            return Optional.of("response topic '" + topic + "' lies under the gateway's topic root '" + topics.root()
                    + "'");
        }
        if (responseTopicFilter.isPresent() && !TopicScheme.matches(responseTopicFilter.get(), topic)) {
            return Optional.of("response topic '" + topic + "' does not match gateway.mqtt.response-topic-filter '"
                    + responseTopicFilter.get() + "'");
        }
        return Optional.empty();
    }

    /** Campaigns keep their own durable state: a start is acknowledged once handed over. */
    private void acceptCampaign(TopicScheme.CampaignTopic topic, byte[] payload) {
        io.lwm2mgw.northbound.CampaignCodec.Decoded decoded = campaignCodec.decode(payload,
                Optional.of(topic.campaignId()), Optional.of(topic.action()));
        if (decoded instanceof io.lwm2mgw.northbound.CampaignCodec.Decoded.Start start) {
            campaigns.start(start.spec());
        } else if (decoded instanceof io.lwm2mgw.northbound.CampaignCodec.Decoded.Cancel cancel) {
            campaigns.cancel(cancel.id());
        } else {
            var rejected = (io.lwm2mgw.northbound.CampaignCodec.Decoded.Rejected) decoded;
            campaigns.reject(rejected.id(), rejected.error());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
