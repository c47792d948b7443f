package io.lwm2mgw.northbound.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.config.MqttConfig;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.northbound.OutboundQueue;
import io.lwm2mgw.northbound.CloudEventAttributes;
import io.lwm2mgw.northbound.EventSink;
import io.lwm2mgw.northbound.OutboundMessage;
import io.lwm2mgw.northbound.ResultCodec;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.northbound.TopicScheme;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Publishes outbound messages to the MQTT 5 broker, in offer order per topic, on one sender thread. While the
 * broker is unreachable, messages wait in an {@link OutboundQueue} (telemetry bounded and drop-oldest, the rest
 * never dropped) and the client reconnects with growing back-off; publishes caught by a connection loss are
 * republished by the client after reconnecting. A message's stage completes on the broker's PUBACK.
 */
@ApplicationScoped
public class MqttSink implements EventSink {

    private static final Logger LOG = Logger.getLogger(MqttSink.class);

    private final GatewayConfig config;
    private final MqttConfig mqtt;
    private final TopicScheme topics;
    private final OutboundQueue buffer;
    private final Semaphore inFlight;
    private final Object connectedSignal = new Object();
    private final AtomicBoolean reportedDown = new AtomicBoolean();
    private final AtomicBoolean reportedOverflow = new AtomicBoolean();
    private final AtomicBoolean reportedUnpublishable = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong unpublishable = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running;
    private volatile Mqtt5AsyncClient client;
    private volatile EmbeddedMqttBroker embeddedBroker;
    private volatile Thread sender;

    private final MqttCommandSource commands;

    private final jakarta.enterprise.event.Event<io.lwm2mgw.northbound.RetainedStateLost> sessionLost;

    public MqttSink(GatewayConfig config, MqttCommandSource commands,
            jakarta.enterprise.event.Event<io.lwm2mgw.northbound.RetainedStateLost> sessionLost) {
        this.commands = commands;
        this.sessionLost = sessionLost;
        this.config = config;
        this.mqtt = config.mqtt();
        this.topics = new TopicScheme(mqtt.topicRoot());
        this.buffer = new OutboundQueue(config.buffer().capacity());
        this.inFlight = new Semaphore(mqtt.maxInFlight());
    }

    public void start() {
        String host = mqtt.host().orElse(null);
        int port = mqtt.port();
        if (host == null) {
            embeddedBroker = EmbeddedMqttBroker.start(mqtt.embedded().host(), mqtt.embedded().port());
            host = mqtt.embedded().host();
            port = mqtt.embedded().port();
        }
        client = buildClient(host, port);
        commands.attach(client);
        running = true;
        sender = new Thread(this::sendLoop, "mqtt-sink");
        sender.setDaemon(true);
        sender.start();
        String target = host + ":" + port;
        // a persistent session: commands published while the gateway is away wait for it at the broker
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(mqtt.sessionExpiry().toSeconds())
                .keepAlive((int) mqtt.keepAlive().toSeconds())
                .send().whenComplete((ack, error) -> {
            if (error != null && reportedDown.compareAndSet(false, true)) {
                LOG.warnf("MQTT broker %s unreachable (%s); buffering (telemetry up to %d messages) and retrying",
                        target, error.getMessage(), buffer.telemetryCapacity());
            }
        });
    }

    private Mqtt5AsyncClient buildClient(String host, int port) {
        String statusTopic = topics.gatewayStatus(config.id());
        Mqtt5ClientBuilder builder = MqttClient.builder()
                .useMqttVersion5()
                .identifier(mqtt.clientId().orElse("lwm2m-gateway-" + config.id()))
                .serverHost(host)
                .serverPort(port)
                .automaticReconnect()
                .initialDelay(100, TimeUnit.MILLISECONDS)
                .maxDelay(mqtt.maxReconnectDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                // first: on the event loop, before anything after the CONNACK is decoded (see the README)
                .addConnectedListener(PublishPropertyRepair::install)
                .addConnectedListener(ctx -> onConnected(host + ":" + port,
                        ctx instanceof com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext v5
                                && v5.getConnAck().isSessionPresent()))
                .addDisconnectedListener(ctx -> {
                    // messages accepted but not acknowledged before the loss go out again, in order
                    ctx.getReconnector().republishIfSessionExpired(true).resubscribeIfSessionExpired(true);
                    if (running && reportedDown.compareAndSet(false, true)) {
                        LOG.warnf("MQTT connection to %s lost (%s); buffering (telemetry up to %d messages) and reconnecting",
                                host + ":" + port, ctx.getCause().getMessage(), buffer.telemetryCapacity());
                    }
                });
        if (mqtt.tls().enabled()) {
            builder = builder.sslConfig(MqttTls.sslConfig(mqtt.tls()));
        }
        if (mqtt.username().isPresent()) {
            builder = builder.simpleAuth()
                    .username(mqtt.username().get())
                    .password(mqtt.password().orElse("").getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        return builder
                .willPublish()
                .topic(statusTopic)
                .payload("offline".getBytes(StandardCharsets.US_ASCII))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .contentType("text/plain")
                .applyWillPublish()
                .buildAsync();
    }

    private void onConnected(String target, boolean sessionPresent) {
        commands.subscribe(client);
        if (!sessionPresent) {
            // a broker that restarted without persistence forgot every retained status along with our session
            sessionLost.fireAsync(new io.lwm2mgw.northbound.RetainedStateLost(this));
        }
        if (reportedDown.getAndSet(false)) {
            LOG.infof("MQTT connected to %s; %d buffered messages to send", target, buffer.size());
        } else {
            LOG.infof("MQTT connected to %s", target);
        }
        client.publishWith()
                .topic(topics.gatewayStatus(config.id()))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .contentType("text/plain")
                .payload("online".getBytes(StandardCharsets.US_ASCII))
                .send();
        synchronized (connectedSignal) {
            connectedSignal.notifyAll();
        }
    }

    private void sendLoop() {
        try {
            // wait for the broker before taking a message, so the buffer depth counts everything undelivered
            while (awaitConnected()) {
                inFlight.acquire();
                OutboundQueue.Entry message = buffer.poll(200, TimeUnit.MILLISECONDS);
                if (message == null) {
                    inFlight.release();
                    continue;
                }
                if (!connected()) {
                    // lost while waiting for a message: keep it in our buffer, not in the client's queue
                    buffer.returnToHead(message);
                    inFlight.release();
                    continue;
                }
                sendOne(message);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Hands one message to the client. A message the client refuses outright (a user property with a NUL
     * from a hostile endpoint name, say) is dropped and counted: it must not end the sender thread.
     */
    private void sendOne(OutboundQueue.Entry entry) {
        OutboundMessage message = entry.message();
        try {
            publish(message).whenComplete((result, error) -> onPublished(entry, result, error));
        } catch (RuntimeException e) {
            inFlight.release();
            unpublishable.incrementAndGet();
            entry.confirmed().complete(null); // it can never be published: nothing to wait for
            if (reportedUnpublishable.compareAndSet(false, true)) {
                LOG.warnf("MQTT client refused a message for %s (%s); dropped and counted, later ones are not logged",
                        printable(message.endpoint().value()), e.getMessage());
            }
        }
    }

    private static String printable(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        raw.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    private boolean awaitConnected() throws InterruptedException {
        synchronized (connectedSignal) {
            while (running && !connected()) {
                connectedSignal.wait(500);
            }
        }
        return running;
    }

    private java.util.concurrent.CompletableFuture<Mqtt5PublishResult> publish(OutboundMessage message) {
        var properties = Mqtt5UserProperties.builder();
        message.cloudEvent().asMap().forEach(properties::add);
        var publish = client.publishWith()
                .topic(topic(message))
                .qos(qos())
                .retain(retained(message))
                .contentType(CloudEventAttributes.CONTENT_TYPE)
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .userProperties(properties.build())
                .payload(message.payload());
        // MQTT 5 request/response: echo the requester's correlation data on its response topic
        message.replyTo().flatMap(ReplyAddress::correlationData).ifPresent(publish::correlationData);
        return publish.send();
    }

    private void onPublished(OutboundQueue.Entry entry, Mqtt5PublishResult result, Throwable error) {
        inFlight.release();
        OutboundMessage message = entry.message();
        if (error != null && running) {
            // the client gave the publish up (no session to republish it in): ours to send again, in order
            LOG.warnf("MQTT publish to %s not confirmed (%s); sending it again", topic(message), error.getMessage());
            buffer.returnToHead(entry);
            return;
        }
        result.getError().ifPresent(refused -> LOG.warnf("MQTT broker refused a publish to %s: %s", topic(message),
                refused.getMessage()));
        // confirmed, or refused by the broker for good (its reason code says so): either way nothing to wait for
        entry.confirmed().complete(null);
        if (buffer.dropped() > 0 && buffer.size() == 0 && reportedOverflow.getAndSet(false)) {
            LOG.infof("MQTT backlog delivered; %d messages were dropped in total because the buffer was full",
                    buffer.dropped());
        }
    }

    private String topic(OutboundMessage message) {
        switch (message.channel()) {
            case STATUS:
                return topics.status(message.endpoint());
            case EVENT:
                return topics.event(message.endpoint(), message.qualifier());
            case TELEMETRY:
            case PATH_TELEMETRY:
                return topics.data(message.endpoint(), Lwm2mPath.parse(message.qualifier()));
            case RESULT:
                return message.replyTo().map(ReplyAddress::topic)
                        .orElseGet(() -> topics.result(message.endpoint(), message.qualifier()));
            case CAMPAIGN:
            case CAMPAIGN_ANSWER:
                return topics.campaignStatus(message.endpoint().value());
            default:
                throw new IllegalArgumentException("unknown channel " + message.channel());
        }
    }

    private boolean retained(OutboundMessage message) {
        return message.channel() == OutboundMessage.Channel.STATUS
                || message.channel() == OutboundMessage.Channel.CAMPAIGN
                || message.channel().telemetry() && mqtt.retainData();
    }

    private MqttQos qos() {
        return MqttQos.fromCode(mqtt.qos());
    }

    public void stop() {
        running = false;
        if (sender != null) {
            sender.interrupt();
        }
        Mqtt5AsyncClient c = client;
        if (c != null && c.getState().isConnected()) {
            try {
                // a graceful stop does not fire the will: say offline ourselves
                c.publish(Mqtt5Publish.builder().topic(topics.gatewayStatus(config.id()))
                        .qos(MqttQos.AT_LEAST_ONCE).retain(true).contentType("text/plain")
                        .payload("offline".getBytes(StandardCharsets.US_ASCII)).build())
                        .get(2, TimeUnit.SECONDS);
                c.disconnect().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debugf("MQTT disconnect: %s", e.getMessage());
            }
        } else if (c != null) {
            c.disconnect();
        }
        int left = buffer.size();
        if (left > 0) {
            LOG.warnf("stopping with %d MQTT messages undelivered", left);
        }
        if (embeddedBroker != null) {
            embeddedBroker.close();
        }
    }

    /**
     * A composite notification goes out once per path ({@code PATH_TELEMETRY}), not as one document; a
     * campaign tombstone is Kafka's alone (MQTT retained nothing for an answer).
     */
    @Override
    public boolean carries(OutboundMessage.Channel channel) {
        return channel != OutboundMessage.Channel.COMPOSITE_TELEMETRY
                && channel != OutboundMessage.Channel.CAMPAIGN_CLEARED;
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> offer(OutboundMessage message) {
        if (message.endpoint().equals(ResultCodec.UNKNOWN_ENDPOINT) && message.replyTo().isEmpty()) {
            // a result for a command that named no endpoint has no MQTT topic; Kafka carries it
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        OutboundQueue.Entry entry = buffer.offer(message);
        if (buffer.takeOverflow() && reportedOverflow.compareAndSet(false, true)) {
            LOG.warnf("MQTT telemetry buffer full (%d messages): dropping the oldest readings until the broker is "
                    + "back; results and events are kept", buffer.telemetryCapacity());
        }
        return entry.confirmed();
    }

    @Override
    public boolean connected() {
        Mqtt5AsyncClient c = client;
        return c != null && c.getState().isConnected();
    }

    @Override
    public int bufferDepth() {
        return buffer.size();
    }

    /** Telemetry dropped from the full buffer, plus messages the client refused to publish. */
    @Override
    public long droppedCount() {
        return buffer.dropped() + unpublishable.get();
    }

    /** False once the sender thread has ended while the sink should be running. */
    @Override
    public boolean alive() {
        Thread t = sender;
        return !running || t != null && t.isAlive();
    }

    /** The topic scheme in use (for the command source, which shares the connection). */
    public TopicScheme topics() {
        return topics;
    }
}
