package io.lwm2mgw.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A real Kafka consumer that reads the given topics from the start and keeps every record once: one it reads
 * again (after its broker restarted; its own group commits no offsets, so it starts again from the beginning) is
 * the same offset, not a new record.
 */
public final class KafkaProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Record> received = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> offsetsSeen = new java.util.HashSet<>();
    private final Thread poller;
    private final KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;

    /** One received record with its headers decoded as UTF-8. */
    public record Record(String topic, int partition, String key, byte[] value, Map<String, String> headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public KafkaProbe(String bootstrap, String... topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        // closing waited for the fetch in flight, which the broker holds up to fetch.max.wait.ms (500 ms) when
        // there is nothing new: half a second per probe, in the tear-down of most flow tests. Records still come
        // as soon as they are there; the probe's own group needs no committed offsets (what it reads twice is
        // kept once)
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topics));
        poller = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (!offsetsSeen.add(r.topic() + "/" + r.partition() + "/" + r.offset())) {
                            continue;
                        }
                        Map<String, String> headers = new HashMap<>();
                        for (Header h : r.headers()) {
                            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                        }
                        received.add(new Record(r.topic(), r.partition(), r.key(), r.value(), headers));
                    }
                }
            } catch (WakeupException closing) {
                // close() ended the poll under way
            }
        }, "kafka-probe");
        poller.setDaemon(true);
        poller.start();
    }

    public List<Record> all() {
        return List.copyOf(received);
    }

    public List<Record> on(String topic, String key) {
        return received.stream().filter(r -> r.topic().equals(topic) && key.equals(r.key())).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup(); // rather than waiting out the poll under way
        poller.join(5000);
    }
}
