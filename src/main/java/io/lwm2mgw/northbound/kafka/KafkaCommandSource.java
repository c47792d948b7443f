package io.lwm2mgw.northbound.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.CampaignPort;
import io.lwm2mgw.command.CommandContext;
import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.CampaignCodec;
import io.lwm2mgw.northbound.CommandCodec;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes commands and campaign requests from Kafka through the SmallRye channel {@value #CHANNEL} (configured in
 * application.properties, switched off when {@code kafka.bootstrap.servers} is not set). A record is
 * acknowledged when its command ended for its source (see {@link CommandContext#acknowledge()}); the channel's
 * throttled commit strategy commits an offset only once every record up to it is acknowledged, so a gateway
 * that crashes or stops in between reads those commands again. With {@code gateway.kafka.max-in-flight-commands}
 * commands under way the method's answer waits, and the connector pauses the partitions until one ends.
 * Records arrive one at a time in partition order, on a worker thread.
 */
@ApplicationScoped
public class KafkaCommandSource {

    /** The SmallRye channel of the commands and campaigns topics. */
    public static final String CHANNEL = "lwm2m-commands";

    private static final Logger LOG = Logger.getLogger(KafkaCommandSource.class);

    private final CommandRouter router;
    private final CampaignPort campaigns;
    private final CampaignCodec campaignCodec;
    private final CommandCodec codec;
    private final String campaignsTopic;
    private final InFlightCommands inFlight;
    private final Clock clock;
    private final CommandPartitions partitions;

    public KafkaCommandSource(CommandRouter router, CampaignPort campaigns, ObjectMapper mapper, GatewayConfig config,
            Clock clock, @Identifier(CHANNEL) CommandPartitions partitions) {
        this.router = router;
        this.campaigns = campaigns;
        this.campaignCodec = new CampaignCodec(mapper);
        this.codec = CommandCodec.of(mapper, config);
        this.campaignsTopic = config.kafka().campaignsTopic();
        this.inFlight = new InFlightCommands(config.kafka().maxInFlightCommands());
        this.clock = clock;
        this.partitions = partitions;
    }

    /**
     * Hands one record to the router (or to the campaigns); the answer completes at once, or once fewer than the
     * maximum of commands are under way.
     */
    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> consume(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("a record without its Kafka metadata"));
        byte[] value = message.getPayload() == null ? new byte[0] : message.getPayload();
        Optional<String> key = Optional.ofNullable(record.getKey()).map(Object::toString).filter(k -> !k.isEmpty());
        if (record.getTopic().equals(campaignsTopic)) {
            acceptCampaign(key, value);
            return message.ack();
        }
        CompletionStage<Void> admitted = inFlight.take();
        RecordContext context = new RecordContext(message);
        CommandCodec.Decoded decoded = codec.decode(value, Optional.empty(), Optional.empty(), Optional.empty(),
                clock.instant());
        if (decoded instanceof CommandCodec.Decoded.Accepted accepted) {
            router.submit(accepted.request(), context);
        } else {
            CommandResult result = ((CommandCodec.Decoded.Rejected) decoded).result();
            if (result.endpoint().isEmpty() && key.isPresent()) {
                // the document named no endpoint: file the result under the record's key
                result = new CommandResult(result.id(), Optional.of(EndpointName.of(key.get())), result.op(),
                        result.path(), result.time(), result.status(), result.code(), result.values(),
                        result.links(), result.location(), result.error(), result.replyTo());
            }
            router.reject(result, context);
        }
        return admitted;
    }

    /** Campaigns keep their own durable state: a record is done once handed over. */
    private void acceptCampaign(Optional<String> key, byte[] value) {
        CampaignCodec.Decoded decoded = campaignCodec.decode(value, key, Optional.empty());
        if (decoded instanceof CampaignCodec.Decoded.Start start) {
            campaigns.start(start.spec());
        } else if (decoded instanceof CampaignCodec.Decoded.Cancel cancel) {
            campaigns.cancel(cancel.id());
        } else {
            var rejected = (CampaignCodec.Decoded.Rejected) decoded;
            campaigns.reject(rejected.id(), rejected.error());
        }
    }

    /** Whether the consumer has its partitions (tests wait for this before producing). */
    public boolean assigned() {
        return partitions.assigned();
    }

    /** Commands taken from Kafka that have not ended yet. */
    public int inFlight() {
        return inFlight.count();
    }

    /**
     * A record's command context: acknowledging it lets the throttled strategy commit its offset; a released
     * one stays unacknowledged, so its offset (and every later one of its partition) is read again.
     */
    private final class RecordContext implements CommandContext {
        private final Message<byte[]> message;
        private final AtomicBoolean ended = new AtomicBoolean();

        RecordContext(Message<byte[]> message) {
            this.message = message;
        }

        @Override
        public void acknowledge() {
            if (ended.compareAndSet(false, true)) {
                message.ack().whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.warnf("Kafka command not acknowledged (%s); it may be read again", error.getMessage());
                    }
                });
                inFlight.ended();
            }
        }

        @Override
        public void release() {
            // left unacknowledged on purpose: the offset is not committed and the next gateway reads it
        }
    }
}
