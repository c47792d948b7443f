package io.lwm2mgw.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Bench K1's reader: one Kafka consumer thread on the telemetry topic (from its end, every partition
 * assigned), which takes each record's send time from its value ({@code /3303/0/5700}, epoch µs) and counts it
 * into the open {@link Window}. Its own CPU time is kept apart, so the bench can leave it out.
 */
final class K1Consumer implements AutoCloseable {

    /** What one phase receives: every record sent since its start, and the latency of those sent in the window. */
    static final class Window {
        private final long phaseFromMicros;
        private final long measureFromMicros;
        private final long measureToMicros;
        private final long[] latency;
        private final AtomicLong received = new AtomicLong();
        private int samples;
        private volatile boolean open = true;

        Window(long phaseFromMicros, long measureFromMicros, long measureToMicros, int capacity) {
            this.phaseFromMicros = phaseFromMicros;
            this.measureFromMicros = measureFromMicros;
            this.measureToMicros = measureToMicros;
            this.latency = new long[capacity];
        }

        /** Consumer thread only. */
        void on(long sentMicros, long nowMicros) {
            if (!open || sentMicros < phaseFromMicros) {
                return;
            }
            if (sentMicros >= measureFromMicros && sentMicros < measureToMicros && samples < latency.length) {
                synchronized (this) {
                    latency[samples++] = nowMicros - sentMicros;
                }
            }
            received.incrementAndGet();
        }

        long received() {
            return received.get();
        }

        /** The latencies seen so far (µs), sorted. */
        synchronized long[] latencies() {
            long[] copy = Arrays.copyOf(latency, samples);
            Arrays.sort(copy);
            return copy;
        }

        void close() {
            open = false;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread poller;
    private final int partitions;
    private volatile boolean running = true;
    private volatile Window window;

    K1Consumer(String bootstrap, String topic) throws Exception {
        this.partitions = ensureTopic(bootstrap, topic, Integer.getInteger("bench.k1.partitions", 1));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> assigned = java.util.stream.IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position); // resolve the end now, before anything is sent
        poller = new Thread(this::poll, "k1-consumer");
        poller.setDaemon(true);
        poller.start();
    }

    /** Creates the topic (or adds partitions to the one the gateway created); returns its partition count. */
    private static int ensureTopic(String bootstrap, String topic, int wanted) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, wanted, (short) 1))).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
            int now = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            if (now < wanted) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(wanted))).all().get();
                now = wanted;
            }
            return now;
        }
    }

    private void poll() {
        while (running) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                Window w = window;
                if (w != null && r.value() != null) {
                    double sent = NorthboundTap.number(r.value(), "/3303/0/5700");
                    if (!Double.isNaN(sent)) {
                        w.on((long) sent, io.lwm2mgw.sim.FleetStats.epochMicros());
                    }
                }
            }
        }
        consumer.close(Duration.ofSeconds(2));
    }

    Window open(long phaseFromMicros, long measureFromMicros, long measureToMicros, int capacity) {
        Window w = new Window(phaseFromMicros, measureFromMicros, measureToMicros, capacity);
        window = w;
        return w;
    }

    int partitions() {
        return partitions;
    }

    /** CPU time of the consumer thread. */
    long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(poller.getId());
    }

    /** CPU time of this whole JVM. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime of another process from /proc (clock ticks of 10 ms); 0 without a pid. */
    static long cpuNanosOf(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
    }
}
