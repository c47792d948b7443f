package io.lwm2mgw.northbound.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

/**
 * Probes the Kafka cluster every few seconds (for readiness) and, once it answers, creates the northbound
 * topics that do not exist yet (the status topic compacted). Runs on its own daemon thread.
 */
final class KafkaReachability implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaReachability.class);
    static final Set<String> PRODUCER_ONLY = Set.of(
            ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.LINGER_MS_CONFIG,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.MAX_BLOCK_MS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.BATCH_SIZE_CONFIG, ProducerConfig.BUFFER_MEMORY_CONFIG, ProducerConfig.COMPRESSION_TYPE_CONFIG,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, ProducerConfig.CLIENT_ID_CONFIG,
            ProducerConfig.METADATA_MAX_IDLE_CONFIG);

    record TopicSpec(String name, boolean compacted) { }

    private final Admin admin;
    private final List<TopicSpec> topics;
    private final ScheduledExecutorService probe;
    private volatile boolean reachable;
    private volatile boolean topicsEnsured;
    private volatile boolean everChecked;
    private final java.time.Duration probeInterval;
    /** Probe cycles to skip before the next topic creation attempt; doubles after each failure (probe thread). */
    private int topicCyclesToSkip;
    private int topicFailures;
    private final java.util.concurrent.atomic.AtomicInteger topicAttempts = new java.util.concurrent.atomic.AtomicInteger();

    KafkaReachability(Map<String, Object> clientProps, List<TopicSpec> topics) {
        this(clientProps, topics, java.time.Duration.ofSeconds(5));
    }

    KafkaReachability(Map<String, Object> clientProps, List<TopicSpec> topics, java.time.Duration probeInterval) {
        this.probeInterval = probeInterval;
        Map<String, Object> props = new HashMap<>(clientProps);
        PRODUCER_ONLY.forEach(props::remove);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "lwm2m-gateway-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        this.admin = Admin.create(props);
        this.topics = List.copyOf(topics);
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-probe");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        probe.scheduleWithFixedDelay(this::check, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean reachable() {
        return reachable;
    }

    private void check() {
        try {
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            if (!reachable && everChecked) {
                LOG.info("Kafka cluster reachable again");
            }
            reachable = true;
            everChecked = true;
            if (!topicsEnsured && topicCyclesToSkip-- <= 0) {
                ensureTopicsWithBackoff();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (reachable || !everChecked) {
                LOG.warnf("Kafka cluster unreachable (%s); records wait in the buffer", rootMessage(e));
            }
            reachable = false;
            everChecked = true;
        }
    }

    /** Whether every northbound topic is known to exist (tests). */
    boolean topicsEnsured() {
        return topicsEnsured;
    }

    /** How often topic creation was attempted (tests). */
    int topicAttempts() {
        return topicAttempts.get();
    }

    /**
     * A topic that cannot be created stalls every record for it: try again, after 1, 2, 4 ... probe cycles (at
     * most 60, five minutes by default), logging the first failure and the recovery only.
     */
    private void ensureTopicsWithBackoff() throws Exception {
        topicAttempts.incrementAndGet();
        List<String> failed = ensureTopics();
        if (failed.isEmpty()) {
            if (topicFailures > 0) {
                LOG.infof("Kafka topics created after %d failed attempts", topicFailures);
            }
            topicsEnsured = true;
            topicFailures = 0;
            return;
        }
        topicFailures++;
        topicCyclesToSkip = Math.min(1 << Math.min(topicFailures - 1, 6), 60) - 1;
    }

    /** Creates the missing topics; returns those that still do not exist. */
    private List<String> ensureTopics() throws Exception {
        Set<String> existing = admin.listTopics().names().get(3, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec spec : topics) {
            if (!existing.contains(spec.name())) {
                NewTopic topic = new NewTopic(spec.name(), java.util.Optional.empty(), java.util.Optional.empty());
                if (spec.compacted()) {
                    topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                missing.add(topic);
            }
        }
        List<String> failed = new ArrayList<>();
        if (!missing.isEmpty()) {
            List<String> created = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(5, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        failed.add(entry.getKey());
                        if (topicFailures == 0) {
                            LOG.warnf("could not create Kafka topic %s (%s); records for it wait in the buffer, "
                                    + "retrying with back-off", entry.getKey(), rootMessage(e));
                        }
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    failed.add(entry.getKey());
                }
            }
            if (!created.isEmpty()) {
                LOG.infof("created Kafka topics %s", created);
            }
        }
        return failed;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    @Override
    public void close() {
        probe.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(1));
    }
}
