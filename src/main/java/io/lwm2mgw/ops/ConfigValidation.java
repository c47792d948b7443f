package io.lwm2mgw.ops;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.config.Lwm2mConfig;
import io.lwm2mgw.config.MqttConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigValidationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the gateway's configuration before anything starts and refuses to start on nonsense, naming every
 * offending key at once.
 */
@ApplicationScoped
public class ConfigValidation {

    void validate(@Observes @Priority(0) StartupEvent event, GatewayConfig config) {
        List<String> problems = problems(config);
        problems.addAll(nativeProblems(config, "runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))));
        if (!problems.isEmpty()) {
            throw new ConfigValidationException(problems.stream()
                    .map(ConfigValidationException.Problem::new).toArray(ConfigValidationException.Problem[]::new));
        }
    }

    /** Every problem found, each naming its key; empty when the configuration is usable. */
    static List<String> problems(GatewayConfig config) {
        List<String> problems = new ArrayList<>();
        Lwm2mConfig lwm2m = config.lwm2m();
        Lwm2mConfig.CoapConfig coap = lwm2m.coap();
        MqttConfig mqtt = config.mqtt();
        notBlank(problems, "gateway.id", config.id());
        notBlank(problems, "gateway.lwm2m.host", lwm2m.host());
        port(problems, "gateway.lwm2m.port", lwm2m.port());
        positive(problems, "gateway.lwm2m.expiry-check-interval", lwm2m.expiryCheckInterval());
        positive(problems, "gateway.lwm2m.request-timeout", lwm2m.requestTimeout());
        atLeast(problems, "gateway.lwm2m.coap.udp-receive-buffer", coap.udpReceiveBuffer(), 8192);
        atLeast(problems, "gateway.lwm2m.coap.udp-send-buffer", coap.udpSendBuffer(), 8192);
        atLeast(problems, "gateway.lwm2m.coap.max-active-peers", coap.maxActivePeers(), 1);
        atLeast(problems, "gateway.lwm2m.coap.deduplication-per-peer", coap.deduplicationPerPeer(), 1);
        atLeast(problems, "gateway.lwm2m.coap.max-resource-body-size", coap.maxResourceBodySize(), 1024);
        positive(problems, "gateway.lwm2m.coap.ack-timeout", coap.ackTimeout());
        between(problems, "gateway.lwm2m.coap.max-retransmit", coap.maxRetransmit(), 0, 20);
        positive(problems, "gateway.lwm2m.coap.exchange-lifetime", coap.exchangeLifetime());
        atLeast(problems, "gateway.lwm2m.coap.protocol-threads", coap.protocolThreads(), 0);
        mqtt.host().ifPresent(h -> notBlank(problems, "gateway.mqtt.host", h));
        port(problems, "gateway.mqtt.port", mqtt.port());
        port(problems, "gateway.mqtt.embedded.port", mqtt.embedded().port());
        between(problems, "gateway.mqtt.qos", mqtt.qos(), 0, 2);
        between(problems, "gateway.mqtt.max-in-flight", mqtt.maxInFlight(), 1, 65535);
        positive(problems, "gateway.mqtt.max-reconnect-delay", mqtt.maxReconnectDelay());
        String root = mqtt.topicRoot();
        if (root.isEmpty() || root.contains("+") || root.contains("#") || root.endsWith("/")) {
            problems.add("gateway.mqtt.topic-root: '" + root + "' must be a non-empty topic without wildcards "
                    + "or trailing slash");
        }
        atLeast(problems, "gateway.buffer.capacity", config.buffer().capacity(), 1);
        positive(problems, "gateway.kafka.max-block", config.kafka().maxBlock());
        return problems;
    }

    /** What only a native executable needs: it has no embedded broker, so an external one is required. */
    static List<String> nativeProblems(GatewayConfig config, boolean nativeExecutable) {
        if (nativeExecutable && config.mqtt().host().isEmpty()) {
            return List.of("gateway.mqtt.host: required by the native executable, which has no embedded MQTT broker");
        }
        return List.of();
    }

    private static void notBlank(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + ": must not be empty");
        }
    }

    private static void port(List<String> problems, String key, int port) {
        between(problems, key, port, 0, 65535);
    }

    private static void between(List<String> problems, String key, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(key + ": " + value + " is outside " + min + ".." + max);
        }
    }

    private static void atLeast(List<String> problems, String key, int value, int min) {
        if (value < min) {
            problems.add(key + ": " + value + " is below the minimum " + min);
        }
    }

    private static void positive(List<String> problems, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            problems.add(key + ": " + value + " must be longer than zero");
        }
    }
}
