package io.lwm2mgw.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a firmware test needs around its device, on the shared test brokers: an application that publishes
 * commands on MQTT, a probe of everything the gateway publishes, and an HTTP server that hands out images.
 */
final class FirmwareRig implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    private final MqttProbe mqtt;
    private final Mqtt5BlockingClient app;
    private final HttpServer http;
    private final AtomicInteger downloads = new AtomicInteger();

    FirmwareRig() throws IOException {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
        app.connect();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.start();
    }

    MqttProbe mqtt() {
        return mqtt;
    }

    /** The image server's address, for URLs that lead nowhere on it. */
    String httpBase() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** How many times any image was downloaded. */
    int downloads() {
        return downloads.get();
    }

    /** Serves the image over HTTP at a fresh path and returns its URL. */
    String serve(byte[] image) {
        String path = "/images/" + UUID.randomUUID() + ".bin";
        http.createContext(path, exchange -> {
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, image.length);
            exchange.getResponseBody().write(image);
            exchange.close();
        });
        return httpBase() + path;
    }

    /** Publishes a command document as the application does (QoS 1). */
    void command(String endpoint, String op, String document) {
        app.publishWith().topic("lwm2m/" + endpoint + "/commands/" + op).qos(MqttQos.AT_LEAST_ONCE)
                .payload(document.getBytes(StandardCharsets.UTF_8)).send();
    }

    /** Sends a firmware update with this id and these further members, and returns its result. */
    JsonNode update(String endpoint, String id, String members) {
        command(endpoint, "firmware-update", "{\"id\":\"" + id + "\"," + members + "}");
        String topic = "lwm2m/" + endpoint + "/results/firmware-update";
        await().atMost(WAIT).until(() -> mqtt.on(topic).stream().anyMatch(m -> id.equals(m.json().path("id").asText())));
        return mqtt.on(topic).stream().filter(m -> id.equals(m.json().path("id").asText())).findFirst().orElseThrow()
                .json();
    }

    @Override
    public void close() {
        http.stop(0);
        app.disconnect();
        mqtt.close();
    }
}
