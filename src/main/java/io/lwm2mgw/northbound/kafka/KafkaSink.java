package io.lwm2mgw.northbound.kafka;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.northbound.OutboundQueue;
import io.lwm2mgw.northbound.EventSink;
import io.lwm2mgw.northbound.OutboundMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Produces outbound messages to Kafka, keyed by endpoint so each device's records stay in order, through
 * Reactive Messaging's Kafka connector ({@link RecordSender}). Active only when {@code kafka.bootstrap.servers}
 * is configured. An idempotent producer retries while the cluster is down; what it cannot take waits in our
 * bounded buffer (telemetry drop-oldest, results and lifecycle never dropped), and a record it gives back
 * returns to the buffer's head in send order. One sender thread keeps the order and at most
 * {@value #MAX_WITH_PRODUCER} records unanswered.
 */
@ApplicationScoped
public class KafkaSink implements EventSink {

    private static final Logger LOG = Logger.getLogger(KafkaSink.class);
    /** Records handed over and not yet answered, at most: the sender waits for answers beyond this. */
    static final int MAX_WITH_PRODUCER = 4096;
    /** What a record takes in the producer's buffer beyond its value, at most (key, CloudEvents headers). */
    private static final int RECORD_OVERHEAD = 512;
    private static final long KAFKA_DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;
    /** How long a requeue waits for the answers of the records sent after one that came back. */
    private static final Duration REQUEUE_WAIT = Duration.ofSeconds(10);

    private final GatewayConfig.KafkaConfig topics;
    private final KafkaRecords kafkaRecords;
    private final Optional<String> bootstrapServers;
    private final Map<String, Object> clientProperties;
    private final OutboundQueue buffer;
    private final AtomicBoolean reportedDown = new AtomicBoolean();
    private final AtomicBoolean reportedOverflow = new AtomicBoolean();
    private final java.util.Set<String> topicsWithMetadata = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong lost = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicBoolean reportedLoss = new AtomicBoolean();
    /** Records handed to the producer whose callback has not run yet: still undelivered, so part of the depth. */
    private final java.util.concurrent.atomic.AtomicInteger withProducer = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * The bytes of those records, kept under half the producer's {@code buffer.memory}: so the producer never
     * has to wait for buffer space and give a record back, which through the connector could let a later record
     * overtake it.
     */
    private final java.util.concurrent.atomic.AtomicLong bytesWithProducer = new java.util.concurrent.atomic.AtomicLong();
    private final long maxBytesWithProducer;
    /** Records the producer gave back (it could not take them in time), for the sender thread to requeue. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Returned> returned =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    /** A record the producer could not take, with its send order. */
    private record Returned(long sequence, OutboundQueue.Entry message) { }
    private final RecordSender records;
    private volatile boolean running;
    /** Set at stop: a record the closing producer fails is left unconfirmed, not counted lost. */
    private volatile boolean stopping;
    private KafkaReachability reachability;
    private Thread sender;

    public KafkaSink(GatewayConfig config, Config mpConfig, RecordSender records) {
        this.records = records;
        this.topics = config.kafka();
        this.kafkaRecords = new KafkaRecords(topics);
        this.bootstrapServers = mpConfig.getOptionalValue("kafka.bootstrap.servers", String.class)
                .filter(s -> !s.isBlank());
        this.clientProperties = kafkaProperties(mpConfig);
        this.maxBytesWithProducer = Long.parseLong(String.valueOf(clientProperties.getOrDefault(
                ProducerConfig.BUFFER_MEMORY_CONFIG, KAFKA_DEFAULT_BUFFER_MEMORY))) / 2;
        this.buffer = new OutboundQueue(config.buffer().capacity());
    }

    /** Every {@code kafka.*} property, prefix removed, as the Kafka client expects it. */
    static Map<String, Object> kafkaProperties(Config mpConfig) {
        Map<String, Object> props = new HashMap<>();
        for (String name : mpConfig.getPropertyNames()) {
            if (name.startsWith("kafka.") && !name.startsWith("kafka.devservices")) {
                mpConfig.getOptionalValue(name, String.class).ifPresent(v -> props.put(name.substring(6), v));
            }
        }
        return props;
    }

    public void start() {
        if (bootstrapServers.isEmpty()) {
            LOG.info("Kafka northbound off (set kafka.bootstrap.servers to turn it on)");
            return;
        }
        Map<String, Object> props = producerProperties(clientProperties, bootstrapServers.get());
        reachability = new KafkaReachability(props, List.of(
                new KafkaReachability.TopicSpec(topics.statusTopic(), true),
                new KafkaReachability.TopicSpec(topics.eventsTopic(), false),
                new KafkaReachability.TopicSpec(topics.telemetryTopic(), false),
                new KafkaReachability.TopicSpec(topics.commandsTopic(), false),
                new KafkaReachability.TopicSpec(topics.commandResultsTopic(), false),
                new KafkaReachability.TopicSpec(topics.campaignsTopic(), false),
                new KafkaReachability.TopicSpec(topics.campaignStatusTopic(), true)));
        reachability.start();
        running = true;
        sender = new Thread(this::sendLoop, "kafka-sink");
        sender.setDaemon(true);
        sender.start();
        LOG.infof("Kafka northbound on, bootstrap servers %s", bootstrapServers.get());
    }

    /**
     * The producer's configuration: the {@code kafka.*} client properties, then our defaults (idempotent,
     * {@code acks=all}, 5 ms linger, a delivery timeout of a day so that records wait out an outage), and what
     * the sink's order needs whatever is configured: a send waits as long as it takes for metadata or buffer
     * space (through the connector a send that gave up would be overtaken by the next), and the serializers.
     * {@link OutboundProducerSettings} gives them to the connector's producer; bench K1's channel gets them too.
     */
    public static Map<String, Object> producerProperties(Map<String, Object> clientProperties,
            String bootstrapServers) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "lwm2m-gateway");
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        // keep retrying through an outage instead of failing records after the default two minutes
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()));
        // Kafka's own default, which the connector would raise to 10 s: records flow again within about a second of
        // the cluster's return
        props.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        // a topic's partitions stay known however long it is idle: a send in an outage never waits for them
        props.putIfAbsent(ProducerConfig.METADATA_MAX_IDLE_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private void sendLoop() {
        try {
            while (running) {
                if (!returned.isEmpty()) {
                    requeueReturned();
                    continue;
                }
                OutboundQueue.Entry message = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (message == null) {
                    continue;
                }
                awaitRoomWithProducer(message);
                if (!send(message)) {
                    buffer.returnToHead(message);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits while {@value #MAX_WITH_PRODUCER} records or half the producer's buffer are unanswered (the cluster
     * is slow or away); one record alone always goes.
     */
    private void awaitRoomWithProducer(OutboundQueue.Entry next) throws InterruptedException {
        long bytes = recordBytes(next);
        waitForAnswersWhile(() -> running && withProducer.get() > 0 && (withProducer.get() >= MAX_WITH_PRODUCER
                || bytesWithProducer.get() + bytes > maxBytesWithProducer));
    }

    /** Waits while {@code waiting} holds, looking again at each answer the producer gives (at least every 50 ms). */
    private void waitForAnswersWhile(java.util.function.BooleanSupplier waiting) throws InterruptedException {
        while (waiting.getAsBoolean()) {
            synchronized (withProducer) {
                withProducer.wait(50);
            }
        }
    }

    /**
     * Puts records the producer gave back at the head of the buffer, in their send order, once every record
     * still with the producer has its answer (a later one may fail too and must go back before the earlier
     * ones' successors). Sender thread only.
     */
    void requeueReturned() throws InterruptedException {
        long deadline = System.nanoTime() + REQUEUE_WAIT.toNanos();
        waitForAnswersWhile(() -> withProducer.get() > 0 && running && System.nanoTime() < deadline);
        java.util.List<Returned> back = new java.util.ArrayList<>();
        for (Returned r; (r = returned.poll()) != null;) {
            back.add(r);
        }
        back.sort(java.util.Comparator.comparingLong(Returned::sequence).reversed());
        back.forEach(r -> buffer.returnToHead(r.message()));
    }

    /** The producer's answer for one record: given back to retry when the cluster was too slow, else done. */
    org.apache.kafka.clients.producer.Callback callbackFor(OutboundQueue.Entry message, String topic) {
        long seq = sequence.incrementAndGet();
        long bytes = recordBytes(message);
        withProducer.incrementAndGet();
        bytesWithProducer.addAndGet(bytes);
        return (metadata, error) -> {
            try {
                if (error instanceof TimeoutException) {
                    // Kafka 4 reports a full producer buffer (BufferExhaustedException) and a metadata or delivery
                    // timeout here instead of throwing from send(): not a loss, the record goes back in order
                    returned.add(new Returned(seq, message));
                    if (running && reportedDown.compareAndSet(false, true)) {
                        LOG.warnf("Kafka cannot take records in time (%s); buffering (telemetry up to %d messages) "
                                + "and retrying", error.getMessage(), buffer.telemetryCapacity());
                    }
                } else if (error != null && stopping) {
                    // the producer closed at stop with the record unsent: unconfirmed, so its command is redelivered
                    LOG.debugf("Kafka record to %s unsent at stop: %s", topic, error.getMessage());
                } else if (error != null) {
                    // not retriable (a record too large, say): it can never be confirmed, so nothing waits for it
                    message.confirmed().complete(null);
                    lost.incrementAndGet();
                    if (running && reportedLoss.compareAndSet(false, true)) {
                        LOG.warnf("Kafka record to %s lost: %s (further losses are counted in "
                                + "northbound_dropped_total, not logged)", topic, error.getMessage());
                    }
                } else {
                    message.confirmed().complete(null);
                    if (reportedDown.getAndSet(false)) {
                        LOG.infof("Kafka reachable again; %d buffered messages to send", bufferDepth());
                    }
                }
            } finally {
                bytesWithProducer.addAndGet(-bytes);
                withProducer.decrementAndGet();
                synchronized (withProducer) {
                    withProducer.notifyAll();
                }
            }
        };
    }

    /** Hands one record to the producer; false when the cluster could not take it in time (retry later). */
    private boolean send(OutboundQueue.Entry entry) {
        ProducerRecord<String, byte[]> record = kafkaRecords.record(entry.message());
        try {
            if (!topicsWithMetadata.contains(record.topic())) {
                // while the cluster is away (at start, say) the records wait here, in the bounded buffer that
                // drops the oldest readings, not unbounded with the producer
                records.awaitMetadata(record.topic());
                topicsWithMetadata.add(record.topic());
            }
            org.apache.kafka.clients.producer.Callback callback = callbackFor(entry, record.topic());
            try {
                records.send(record, callback);
            } catch (RuntimeException e) {
                // thrown, not reported: the callback will not run
                withProducer.decrementAndGet();
                bytesWithProducer.addAndGet(-recordBytes(entry));
                throw e;
            }
            return true;
        } catch (TimeoutException e) {
            if (running && reportedDown.compareAndSet(false, true)) {
                LOG.warnf("Kafka unreachable (%s); buffering (telemetry up to %d messages) and retrying",
                        e.getMessage(), buffer.telemetryCapacity());
            }
            return !running;
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
            return !running;
        } catch (RuntimeException e) {
            LOG.errorf("Kafka refused a record for %s: %s", record.topic(), e.getMessage());
            entry.confirmed().complete(null); // refused for good: nothing to wait for
            return true;
        }
    }

    private static long recordBytes(OutboundQueue.Entry entry) {
        byte[] payload = entry.message().payload();
        return (payload == null ? 0 : payload.length) + RECORD_OVERHEAD;
    }

    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        stopping = true;
        sender.interrupt();
        reachability.close();
        // bounded: an unreachable cluster must not hold the process past its grace period; the connector
        // closes its producer after this (close-timeout)
        awaitAnswers(Duration.ofSeconds(2));
        int left = buffer.size() + withProducer.get() + returned.size();
        if (left > 0) {
            LOG.warnf("stopping with %d Kafka messages undelivered", left);
        }
    }

    private void awaitAnswers(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        try {
            waitForAnswersWhile(() -> withProducer.get() > 0 && System.nanoTime() < deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A composite notification is one record ({@code COMPOSITE_TELEMETRY}), not one per path. */
    @Override
    public boolean carries(OutboundMessage.Channel channel) {
        return channel != OutboundMessage.Channel.PATH_TELEMETRY;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public boolean enabled() {
        return bootstrapServers.isPresent();
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> offer(OutboundMessage message) {
        OutboundQueue.Entry entry = buffer.offer(message);
        if (buffer.takeOverflow() && reportedOverflow.compareAndSet(false, true)) {
            LOG.warnf("Kafka telemetry buffer full (%d messages): dropping the oldest readings until the cluster "
                    + "is back; results and events are kept", buffer.telemetryCapacity());
        }
        if (buffer.size() <= 1) {
            reportedOverflow.set(false);
        }
        return entry.confirmed();
    }

    @Override
    public boolean connected() {
        return reachability != null && reachability.reachable();
    }

    /** Waiting in our buffer, plus records with the producer (not yet acknowledged) or given back by it. */
    @Override
    public int bufferDepth() {
        return buffer.size() + withProducer.get() + returned.size();
    }

    /** Takes the next buffered message (tests drive the sender this way). */
    OutboundQueue.Entry pollBuffered() throws InterruptedException {
        return buffer.poll(0, TimeUnit.MILLISECONDS);
    }

    /** Telemetry dropped from the full buffer, plus records the producer refused for good. */
    @Override
    public long droppedCount() {
        return buffer.dropped() + lost.get();
    }
}
