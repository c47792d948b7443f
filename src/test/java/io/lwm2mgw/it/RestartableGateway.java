package io.lwm2mgw.it;

import static io.lwm2mgw.it.PackagedGatewayProcess.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One packaged gateway through several lives: the same id (so the same MQTT session), CoAP and HTTP ports,
 * state and command folders and topic root each time it starts, so a restart finds what the last life left,
 * as an operator's restart on the same volume would. {@link #kill()} is {@code kill -9}; {@link #stop()} is
 * SIGTERM. Its topic root is its own, so the other gateways of the shared broker never see its commands.
 */
final class RestartableGateway implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(60);

    private final String id;
    // kept across the gateway's restarts: below the ephemeral range, where no test device's socket can take it
    private final int coapPort = TestBrokers.freeUdpPort();
    private final int httpPort = TestBrokers.freePort();
    private final int mqttPort;
    private final List<String> properties;
    private final Mqtt5BlockingClient app;
    private PackagedGatewayProcess life;
    private final StringBuilder earlierLives = new StringBuilder();

    /**
     * @param name       part of the gateway id and of its folders
     * @param mqttPort   the broker it publishes to and takes commands from
     * @param properties more {@code -Dkey=value} settings for every life
     */
    RestartableGateway(String name, int mqttPort, String... properties) {
        this.id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.mqttPort = mqttPort;
        String folder = "target/it-restart/" + id;
        List<String> all = new ArrayList<>(List.of("-Dgateway.id=" + id, "-Dquarkus.http.port=" + httpPort,
                "-Dgateway.mqtt.host=127.0.0.1", "-Dgateway.mqtt.port=" + mqttPort,
                "-Dgateway.mqtt.max-reconnect-delay=500ms", "-Dgateway.mqtt.topic-root=" + root(),
                "-Dgateway.lwm2m.host=127.0.0.1", "-Dgateway.lwm2m.port=" + coapPort,
                "-Dgateway.lwm2m.security.coaps-port=0", "-Dquarkus.log.category.\"io.lwm2mgw\".level=DEBUG",
                "-Dgateway.lwm2m.state-directory=" + folder + "/registrations",
                "-Dgateway.commands.store-directory=" + folder + "/commands",
                "-Dgateway.firmware.image-directory=" + folder + "/images",
                "-Dgateway.firmware.campaign-directory=" + folder + "/campaigns"));
        all.addAll(List.of(properties));
        this.properties = List.copyOf(all);
        this.app = MqttClient.builder().useMqttVersion5().identifier("app-" + id).serverHost("127.0.0.1")
                .serverPort(mqttPort).automaticReconnectWithDefaultConfig().buildBlocking();
    }

    String id() {
        return id;
    }

    /** The topic root of this gateway, {@code it-<id>}. */
    String root() {
        return "it-" + id;
    }

    int coapPort() {
        return coapPort;
    }

    int httpPort() {
        return httpPort;
    }

    /** Starts a new life and waits until it is ready; returns how long that took. */
    Duration start() throws Exception {
        assertThat(life == null || !life.process().isAlive()).as("the last life has ended").isTrue();
        long started = System.nanoTime();
        life = PackagedGatewayProcess.start(Map.of(), properties);
        await().atMost(READY).ignoreExceptions().until(() -> {
            assertThat(life.process().isAlive()).as(this::output).isTrue();
            return status(httpPort, "/q/health/ready") == 200;
        });
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** {@code kill -9}: the process gets no chance to finish anything. */
    void kill() throws Exception {
        life.process().destroyForcibly();
        assertThat(life.process().waitFor(20, TimeUnit.SECONDS)).as("killed").isTrue();
        assertThat(life.process().exitValue()).as("ended by SIGKILL").isEqualTo(128 + 9);
        endLife();
    }

    /** SIGTERM, as Kubernetes stops a pod, and waits until the process is gone. */
    void stop() throws Exception {
        life.process().destroy();
        assertThat(life.process().waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
        endLife();
    }

    private void endLife() throws IOException {
        earlierLives.append(life.output()).append("---- end of a life ----\n");
    }

    /** The log of the current life (or of the last one, once it ended). */
    String output() {
        try {
            return life == null ? "" : life.output();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The logs of every life so far, for assertion messages. */
    String allOutput() {
        return earlierLives + (life != null && life.process().isAlive() ? output() : "");
    }

    /** Publishes a command document to {@code {root}/{endpoint}/commands/{op}} with QoS 1, as an application. */
    void command(String endpoint, String op, String document) {
        publish(root() + "/" + endpoint + "/commands/" + op, document);
    }

    private void publish(String topic, String document) {
        if (!app.getState().isConnected()) {
            app.connect();
        }
        app.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                .payload(document.getBytes(StandardCharsets.UTF_8)).send();
    }

    /** Publishes a campaign start document to {@code {root}/campaigns/{id}/start} with QoS 1. */
    void campaign(String id, String document) {
        publish(root() + "/campaigns/" + id + "/start", document);
    }

    /** A probe on everything this gateway publishes under its root. */
    MqttProbe probe() {
        return new MqttProbe(mqttPort, root() + "/#");
    }

    @Override
    public void close() {
        if (life != null) {
            life.close();
        }
        if (app.getState().isConnected()) {
            app.disconnect();
        }
    }
}
