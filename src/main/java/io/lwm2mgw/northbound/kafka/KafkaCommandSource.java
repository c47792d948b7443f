package io.lwm2mgw.northbound.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.CommandCodec;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Takes commands from the Kafka commands topic. An offset is committed only when every command up to it has
 * its final result, so a gateway that crashes in between reads those commands again. A new consumer group
 * starts at the end of the topic (old commands are not replayed into a fresh deployment) unless
 * {@code kafka.auto.offset.reset} says otherwise.
 */
@ApplicationScoped
public class KafkaCommandSource {

    private static final Logger LOG = Logger.getLogger(KafkaCommandSource.class);

    private final CommandRouter router;
    private final io.lwm2mgw.command.CampaignPort campaigns;
    private final io.lwm2mgw.northbound.CampaignCodec campaignCodec;
    private final CommandCodec codec;
    private final GatewayConfig.KafkaConfig kafka;
    private final Optional<String> bootstrapServers;
    private final Map<String, Object> clientProperties;
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, TreeSet<Long>> inFlight = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Clock clock = Clock.systemUTC();
    private volatile org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile Thread poller;
    private final java.util.function.Function<Map<String, Object>, org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
    private final Object backoffSignal = new Object();

    private record Finished(TopicPartition partition, long offset) { }

    @jakarta.inject.Inject
    public KafkaCommandSource(CommandRouter router, io.lwm2mgw.command.CampaignPort campaigns, ObjectMapper mapper,
            GatewayConfig config, Config mpConfig) {
        this(router, campaigns, mapper, config, mpConfig, KafkaConsumer::new);
    }

    /** @param consumers makes the consumer from its properties (tests make it fail) */
    KafkaCommandSource(CommandRouter router, io.lwm2mgw.command.CampaignPort campaigns, ObjectMapper mapper,
            GatewayConfig config, Config mpConfig,
            java.util.function.Function<Map<String, Object>, org.apache.kafka.clients.consumer.Consumer<String, byte[]>> consumers) {
        this.consumers = consumers;
        this.router = router;
        this.campaigns = campaigns;
        this.campaignCodec = new io.lwm2mgw.northbound.CampaignCodec(mapper);
        this.codec = CommandCodec.of(mapper, config);
        this.kafka = config.kafka();
        this.bootstrapServers = mpConfig.getOptionalValue("kafka.bootstrap.servers", String.class)
                .filter(s -> !s.isBlank());
        this.clientProperties = KafkaSink.kafkaProperties(mpConfig);
    }

    void start(@Observes @Priority(30) StartupEvent event) {
        if (bootstrapServers.isEmpty()) {
            return;
        }
        Map<String, Object> props = new HashMap<>(clientProperties);
        KafkaReachability.PRODUCER_ONLY.forEach(props::remove);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.commandsGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "lwm2m-gateway-commands");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        running = true;
        poller = new Thread(() -> consumeWithRestarts(props), "kafka-commands");
        poller.setDaemon(true);
        poller.start();
    }

    /** How long to wait before the consumer's {@code failures}th restart: 100 ms doubling up to 30 s. */
    static Duration backoff(int failures) {
        long millis = 100L << Math.min(Math.max(failures - 1, 0), 9);
        return Duration.ofMillis(Math.min(millis, 30_000));
    }

    /**
     * Runs a consumer until the gateway stops; one that fails is closed and replaced after a growing pause.
     * Commands whose offsets were not committed are read again by the new consumer; the router recognises
     * those still running or done.
     */
    private void consumeWithRestarts(Map<String, Object> props) {
        int failures = 0;
        while (running) {
            try {
                consumer = consumers.apply(props);
                if (pollLoop()) {
                    failures = 0;
                }
            } catch (RuntimeException e) {
                // pollLoop() reports its own failures; this is the consumer's construction
                LOG.errorf("Kafka command consumer cannot start: %s", e.toString());
            }
            if (!running) {
                return;
            }
            failures++;
            restarts.incrementAndGet();
            Duration pause = backoff(failures);
            LOG.warnf("restarting the Kafka command consumer in %d ms (restart %d)", pause.toMillis(), restarts.get());
            synchronized (backoffSignal) {
                try {
                    backoffSignal.wait(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Polls until stopped (true) or the consumer fails (false); closes the consumer in either case. */
    private boolean pollLoop() {
        boolean clean = true;
        try {
            consumer.subscribe(List.of(kafka.commandsTopic(), kafka.campaignsTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // synchronously: the next owner of these partitions starts from what is committed now
                    commitFinished(true);
                    partitions.forEach(p -> {
                        inFlight.remove(p);
                        nextOffset.remove(p);
                        committed.remove(p);
                    });
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                    LOG.infof("taking Kafka commands from %s", partitions);
                }
            });
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    accept(record);
                }
                commitFinished(false);
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            clean = false;
            LOG.errorf("Kafka command consumer failed: %s", e.toString());
        } finally {
            try {
                commitFinished(!running);
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            // a new consumer starts from the committed offsets: forget this one's bookkeeping
            inFlight.clear();
            nextOffset.clear();
            committed.clear();
            assigned = false;
        }
        return clean;
    }

    /** Whether the consumer thread runs as it should (or the source is off); false means it died. */
    public boolean alive() {
        Thread t = poller;
        return !running || t != null && t.isAlive();
    }

    /** How often the consumer was restarted after a failure. */
    public int restarts() {
        return restarts.get();
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        inFlight.computeIfAbsent(partition, p -> new TreeSet<>()).add(record.offset());
        nextOffset.put(partition, record.offset() + 1);
        Runnable onFinal = () -> finished.add(new Finished(partition, record.offset()));
        byte[] value = record.value() == null ? new byte[0] : record.value();
        if (record.topic().equals(kafka.campaignsTopic())) {
            acceptCampaign(record, value);
            onFinal.run();
            return;
        }
        CommandCodec.Decoded decoded = codec.decode(value, Optional.empty(), Optional.empty(), Optional.empty(),
                clock.instant());
        if (decoded instanceof CommandCodec.Decoded.Accepted accepted) {
            router.submit(accepted.request(), onFinal::run);
        } else {
            CommandResult result = ((CommandCodec.Decoded.Rejected) decoded).result();
            if (result.endpoint().isEmpty() && record.key() != null && !record.key().isEmpty()) {
                // the document named no endpoint: file the result under the record's key
                result = new CommandResult(result.id(), Optional.of(EndpointName.of(record.key())), result.op(),
                        result.path(), result.time(), result.status(), result.code(), result.values(),
                        result.links(), result.location(), result.error(), result.replyTo());
            }
            router.reject(result, onFinal::run);
        }
    }

    /** Campaigns keep their own durable state: a record is done once handed over. */
    private void acceptCampaign(ConsumerRecord<String, byte[]> record, byte[] value) {
        Optional<String> key = Optional.ofNullable(record.key()).filter(k -> !k.isEmpty());
        io.lwm2mgw.northbound.CampaignCodec.Decoded decoded = campaignCodec.decode(value, key, Optional.empty());
        if (decoded instanceof io.lwm2mgw.northbound.CampaignCodec.Decoded.Start start) {
            campaigns.start(start.spec());
        } else if (decoded instanceof io.lwm2mgw.northbound.CampaignCodec.Decoded.Cancel cancel) {
            campaigns.cancel(cancel.id());
        } else {
            var rejected = (io.lwm2mgw.northbound.CampaignCodec.Decoded.Rejected) decoded;
            campaigns.reject(rejected.id(), rejected.error());
        }
    }

    /** Commits, per partition, up to the first command still without a final result. Poll thread only. */
    private void commitFinished(boolean sync) {
        for (Finished f; (f = finished.poll()) != null;) {
            TreeSet<Long> pending = inFlight.get(f.partition());
            if (pending != null) {
                pending.remove(f.offset());
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        inFlight.forEach((partition, pending) -> {
            long commitable = pending.isEmpty() ? nextOffset.getOrDefault(partition, 0L) : pending.first();
            if (commitable > committed.getOrDefault(partition, -1L)) {
                offsets.put(partition, new OffsetAndMetadata(commitable));
                committed.put(partition, commitable);
            }
        });
        if (!offsets.isEmpty() && sync) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warnf("Kafka command offsets not committed (%s); those commands may be read again", e.getMessage());
            }
        } else if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (o, error) -> {
                if (error != null) {
                    LOG.warnf("Kafka command offsets not committed (%s); those commands may be read again",
                            error.getMessage());
                }
            });
        }
    }

    /** Whether the consumer has its partitions (tests wait for this before producing). */
    public boolean assigned() {
        return assigned;
    }

    /** Before the LwM2M server stops (priority 1): no command is taken that could only fail. */
    void stop(@Observes @Priority(0) ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        var c = consumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (backoffSignal) {
            backoffSignal.notifyAll();
        }
        try {
            poller.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
