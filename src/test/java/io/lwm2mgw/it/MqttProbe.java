package io.lwm2mgw.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A real MQTT 5 subscriber on {@code lwm2m/#} that keeps every message it receives, with its properties. */
public final class MqttProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Mqtt5BlockingClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** One received message. {@code retain} is the flag as published (retain-as-published subscription). */
    public record Received(String topic, byte[] payload, boolean retain, Map<String, String> userProperties,
            Optional<String> contentType, Optional<String> correlationData) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(payload);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON on " + topic + ": " + text(), e);
            }
        }
    }

    public MqttProbe(int port) {
        this(port, "lwm2m/#");
    }

    /**
     * A probe on a broker that may still be starting (the embedded broker of a packaged gateway, which comes up
     * beside its HTTP server): connects once the broker accepts, within 20 s.
     */
    public static MqttProbe once(int port) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(200)).ignoreExceptions().until(() -> new MqttProbe(port),
                        probe -> true);
    }

    public MqttProbe(int port, String filter) {
        this(port, filter, "probe-" + UUID.randomUUID(), false);
    }

    /**
     * @param persistent keep the session at the broker after closing: a probe reconnecting under the same
     *                   identifier receives what was published meanwhile (across a gateway restart)
     */
    public MqttProbe(int port, String filter, String identifier, boolean persistent) {
        client = MqttClient.builder().useMqttVersion5().identifier(identifier)
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        // registered before connecting: a resumed session delivers at once, before any subscribe callback
        client.toAsync().publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, this::onMessage);
        client.connectWith().cleanStart(!persistent).sessionExpiryInterval(persistent ? 300 : 0).send();
        client.toAsync().subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true)
                .send().join();
    }

    private void onMessage(Mqtt5Publish publish) {
        Map<String, String> props = publish.getUserProperties().asList().stream()
                .collect(Collectors.toMap(p -> p.getName().toString(), p -> p.getValue().toString(), (a, b) -> b));
        received.add(new Received(publish.getTopic().toString(), publish.getPayloadAsBytes(), publish.isRetain(),
                props, publish.getContentType().map(Object::toString),
                publish.getCorrelationData().map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString())));
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    public List<Received> on(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    public List<Received> matching(Predicate<Received> filter) {
        return received.stream().filter(filter).toList();
    }

    public Optional<Received> last(String topic) {
        List<Received> messages = on(topic);
        return messages.isEmpty() ? Optional.empty() : Optional.of(messages.get(messages.size() - 1));
    }

    @Override
    public void close() {
        try {
            client.disconnect();
        } catch (RuntimeException ignored) {
            // the broker may be gone already
        }
    }
}
