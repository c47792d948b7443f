package io.lwm2mgw.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What applications see: one MQTT 5 subscriber (QoS 1) and one Kafka consumer (from the start of the
 * topics), each handing every message to the scenario's {@link Handler} on its own thread.
 */
final class NorthboundTap implements AutoCloseable {

    /** Called for every message; {@code source} is "mqtt" or "kafka", {@code key} the Kafka key or null. */
    interface Handler {
        void on(String source, String topic, String key, byte[] payload);
    }

    private final Mqtt5AsyncClient mqtt;
    private final Thread kafkaPoller;
    private volatile boolean running = true;

    NorthboundTap(int mqttPort, String kafkaBootstrap, List<String> mqttFilters, List<String> kafkaTopics,
            Handler handler) throws Exception {
        mqtt = MqttClient.builder().useMqttVersion5().identifier("bench-tap-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(mqttPort).buildAsync();
        mqtt.publishes(MqttGlobalPublishFilter.ALL, p -> handler.on("mqtt", p.getTopic().toString(), null,
                p.getPayloadAsBytes()));
        mqtt.connectWith().cleanStart(true).restrictions().receiveMaximum(65535).applyRestrictions()
                .send().get(10, TimeUnit.SECONDS);
        for (String filter : mqttFilters) {
            mqtt.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
        }
        if (kafkaTopics.isEmpty()) {
            kafkaPoller = null;
            return;
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(kafkaTopics);
        kafkaPoller = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        handler.on("kafka", r.topic(), r.key(), r.value());
                    }
                }
            }
        }, "bench-kafka-tap");
        kafkaPoller.setDaemon(true);
        kafkaPoller.start();
    }

    Mqtt5AsyncClient mqtt() {
        return mqtt;
    }

    /** The endpoint named in an MQTT topic {@code lwm2m/{ep}/...} (the simulator's names need no decoding). */
    static String endpointOfTopic(String topic) {
        int a = topic.indexOf('/');
        int b = topic.indexOf('/', a + 1);
        return topic.substring(a + 1, b);
    }

    /** The number after {@code "key":} in a JSON document, without parsing the rest; NaN when absent. */
    static double number(byte[] json, String key) {
        String s = new String(json, StandardCharsets.UTF_8);
        int i = s.indexOf("\"" + key + "\":");
        if (i < 0) {
            return Double.NaN;
        }
        int start = i + key.length() + 3;
        int end = start;
        while (end < s.length() && "0123456789.eE+-".indexOf(s.charAt(end)) >= 0) {
            end++;
        }
        return Double.parseDouble(s.substring(start, end));
    }

    /** The string after {@code "key":"} in a JSON document; null when absent. */
    static String text(byte[] json, String key) {
        String s = new String(json, StandardCharsets.UTF_8);
        int i = s.indexOf("\"" + key + "\":\"");
        if (i < 0) {
            return null;
        }
        int start = i + key.length() + 4;
        return s.substring(start, s.indexOf('"', start));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (kafkaPoller != null) {
            kafkaPoller.join(5000);
        }
        try {
            mqtt.disconnect().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the broker may be gone already
        }
    }
}
