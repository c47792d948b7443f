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
import io.lwm2mgw.northbound.BoundedBuffer;
import io.lwm2mgw.northbound.CloudEventAttributes;
import io.lwm2mgw.northbound.EventSink;
import io.lwm2mgw.northbound.OutboundMessage;
import io.lwm2mgw.northbound.ResultCodec;
import io.lwm2mgw.domain.command.ReplyAddress;
import io.lwm2mgw.northbound.TopicScheme;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Publishes outbound messages to the MQTT 5 broker, in offer order, on one sender thread. While the broker is
 * unreachable, messages wait in a bounded buffer and the client reconnects with growing back-off; publishes
 * caught by a connection loss are republished by the client after reconnecting.
 */
@ApplicationScoped
public class MqttSink implements EventSink {

    private static final Logger LOG = Logger.getLogger(MqttSink.class);

    private final GatewayConfig config;
    private final MqttConfig mqtt;
    private final TopicScheme topics;
    private final BoundedBuffer<OutboundMessage> buffer;
    private final Semaphore inFlight;
    private final Object connectedSignal = new Object();
    private final AtomicBoolean reportedDown = new AtomicBoolean();
    private final AtomicBoolean reportedOverflow = new AtomicBoolean();
    private volatile boolean running;
    private volatile Mqtt5AsyncClient client;
    private volatile EmbeddedMqttBroker embeddedBroker;
    private Thread sender;

    private final MqttCommandSource commands;

    public MqttSink(GatewayConfig config, MqttCommandSource commands) {
        this.commands = commands;
        this.config = config;
        this.mqtt = config.mqtt();
        this.topics = new TopicScheme(mqtt.topicRoot());
        this.buffer = new BoundedBuffer<>(config.buffer().capacity());
        this.inFlight = new Semaphore(mqtt.maxInFlight());
    }

    void start(@Observes @Priority(10) StartupEvent event) {
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
                LOG.warnf("MQTT broker %s unreachable (%s); buffering up to %d messages and retrying",
                        target, error.getMessage(), buffer.capacity());
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
                .addConnectedListener(ctx -> onConnected(host + ":" + port))
                .addDisconnectedListener(ctx -> {
                    // messages accepted but not acknowledged before the loss go out again, in order
                    ctx.getReconnector().republishIfSessionExpired(true).resubscribeIfSessionExpired(true);
                    if (running && reportedDown.compareAndSet(false, true)) {
                        LOG.warnf("MQTT connection to %s lost (%s); buffering up to %d messages and reconnecting",
                                host + ":" + port, ctx.getCause().getMessage(), buffer.capacity());
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

    private void onConnected(String target) {
        commands.subscribe(client);
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
                OutboundMessage message = buffer.poll(200, TimeUnit.MILLISECONDS);
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
                publish(message).whenComplete((result, error) -> onPublished(message, result, error));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    private void onPublished(OutboundMessage message, Mqtt5PublishResult result, Throwable error) {
        inFlight.release();
        Throwable failure = error != null ? error : result.getError().orElse(null);
        if (failure != null && running) {
            LOG.warnf("MQTT publish to %s failed: %s", topic(message), failure.getMessage());
        }
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
                return topics.data(message.endpoint(), Lwm2mPath.parse(message.qualifier()));
            case RESULT:
                return message.replyTo().map(ReplyAddress::topic)
                        .orElseGet(() -> topics.result(message.endpoint(), message.qualifier()));
            case CAMPAIGN:
                return topics.campaignStatus(message.endpoint().value());
            default:
                throw new IllegalArgumentException("unknown channel " + message.channel());
        }
    }

    private boolean retained(OutboundMessage message) {
        return message.channel() == OutboundMessage.Channel.STATUS
                || message.channel() == OutboundMessage.Channel.CAMPAIGN
                || message.channel() == OutboundMessage.Channel.TELEMETRY && mqtt.retainData();
    }

    private MqttQos qos() {
        return MqttQos.fromCode(mqtt.qos());
    }

    void stop(@Observes @Priority(10) ShutdownEvent event) {
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

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void offer(OutboundMessage message) {
        if (message.endpoint().equals(ResultCodec.UNKNOWN_ENDPOINT) && message.replyTo().isEmpty()) {
            return; // a result for a command that named no endpoint has no MQTT topic; Kafka carries it
        }
        if (buffer.offer(message) && reportedOverflow.compareAndSet(false, true)) {
            LOG.warnf("MQTT buffer full (%d messages): dropping the oldest until the broker is back",
                    buffer.capacity());
        }
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

    @Override
    public long droppedCount() {
        return buffer.dropped();
    }

    /** The topic scheme in use (for the command source, which shares the connection). */
    public TopicScheme topics() {
        return topics;
    }
}
