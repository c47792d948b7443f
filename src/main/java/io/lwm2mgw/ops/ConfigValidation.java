package io.lwm2mgw.ops;

import io.lwm2mgw.config.FirmwareConfig;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.config.Lwm2mConfig;
import io.lwm2mgw.config.MqttConfig;
import io.lwm2mgw.config.SecurityConfig;
import io.smallrye.config.ConfigValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the gateway's configuration before anything starts and refuses to start on nonsense, naming every
 * offending key at once.
 */
@ApplicationScoped
public class ConfigValidation {

    public void validate(GatewayConfig config) {
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
        atLeast(problems, "gateway.lwm2m.coap.deduplication-max-entries", coap.deduplicationMaxEntries(), 1);
        between(problems, "gateway.lwm2m.coap.udp-datagram-size", coap.udpDatagramSize(), 2048, 65507);
        Lwm2mConfig.LimitsConfig limits = lwm2m.limits();
        atLeast(problems, "gateway.lwm2m.limits.max-registrations", limits.maxRegistrations(), 1);
        atLeast(problems, "gateway.lwm2m.limits.registrations-per-address", limits.registrationsPerAddress(), 1);
        positive(problems, "gateway.lwm2m.limits.registration-window", limits.registrationWindow());
        atLeast(problems, "gateway.lwm2m.limits.max-link-bytes", limits.maxLinkBytes(), 64);
        atLeast(problems, "gateway.lwm2m.limits.max-links", limits.maxLinks(), 1);
        positive(problems, "gateway.lwm2m.coap.non-lifetime", coap.nonLifetime());
        atLeast(problems, "gateway.lwm2m.coap.max-resource-body-size", coap.maxResourceBodySize(), 1024);
        positive(problems, "gateway.lwm2m.coap.ack-timeout", coap.ackTimeout());
        between(problems, "gateway.lwm2m.coap.max-retransmit", coap.maxRetransmit(), 0, 20);
        positive(problems, "gateway.lwm2m.coap.exchange-lifetime", coap.exchangeLifetime());
        atLeast(problems, "gateway.lwm2m.coap.protocol-threads", coap.protocolThreads(), 0);
        security(problems, lwm2m.security());
        cluster(problems, config.cluster(), lwm2m.security());
        mqtt.host().ifPresent(h -> notBlank(problems, "gateway.mqtt.host", h));
        mqttTls(problems, mqtt.tls());
        // a client cannot connect to port 0, and the gateway's own client would not learn the port the embedded
        // broker picked for 0 (it kept retrying 127.0.0.1:0): both need a real port
        between(problems, "gateway.mqtt.port", mqtt.port(), 1, 65535);
        between(problems, "gateway.mqtt.embedded.port", mqtt.embedded().port(), 1, 65535);
        between(problems, "gateway.mqtt.qos", mqtt.qos(), 0, 2);
        mqtt.responseTopicFilter().flatMap(io.lwm2mgw.northbound.TopicScheme::filterProblem).ifPresent(problem ->
                problems.add("gateway.mqtt.response-topic-filter: " + problem));
        between(problems, "gateway.mqtt.max-in-flight", mqtt.maxInFlight(), 1, 65535);
        positive(problems, "gateway.mqtt.max-reconnect-delay", mqtt.maxReconnectDelay());
        String root = mqtt.topicRoot();
        if (root.isEmpty() || root.contains("+") || root.contains("#") || root.endsWith("/")) {
            problems.add("gateway.mqtt.topic-root: '" + root + "' must be a non-empty topic without wildcards "
                    + "or trailing slash");
        }
        mqtt.sharedGroup().ifPresent(group -> {
            if (group.isEmpty() || group.contains("/") || group.contains("+") || group.contains("#")) {
                problems.add("gateway.mqtt.shared-group: '" + group + "' must be non-empty, without / + #");
            }
        });
        atLeast(problems, "gateway.buffer.capacity", config.buffer().capacity(), 1);
        atLeast(problems, "gateway.kafka.max-in-flight-commands", config.kafka().maxInFlightCommands(), 1);
        firmware(problems, config.firmware());
        positive(problems, "gateway.storage.retry-first-delay", config.storage().retryFirstDelay());
        positive(problems, "gateway.storage.retry-max-delay", config.storage().retryMaxDelay());
        secondsWithin(problems, "gateway.lwm2m.awake-time", lwm2m.awakeTime(), Integer.MAX_VALUE);
        secondsWithin(problems, "gateway.mqtt.keep-alive", mqtt.keepAlive(), 65535);
        secondsWithin(problems, "gateway.mqtt.session-expiry", mqtt.sessionExpiry(), 0xFFFFFFFFL);
        commands(problems, config.commands());
        state(problems, config.state());
        kafkaTopics(problems, config.kafka());
        io.lwm2mgw.config.HttpConfig.ApiConfig api = config.http().api();
        atLeast(problems, "gateway.http.api.sse-buffer", api.sseBuffer(), 1);
        atLeast(problems, "gateway.http.api.events-per-device", api.eventsPerDevice(), 0);
        if (api.resultGrace().isNegative()) {
            problems.add("gateway.http.api.result-grace: " + api.resultGrace() + " must not be negative");
        }
        return problems;
    }

    private static void commands(List<String> problems, GatewayConfig.CommandsConfig commands) {
        positive(problems, "gateway.commands.ttl-check-interval", commands.ttlCheckInterval());
        positive(problems, "gateway.commands.default-timeout", commands.defaultTimeout());
        positive(problems, "gateway.commands.default-ttl", commands.defaultTtl());
        atLeast(problems, "gateway.commands.max-queued-per-device", commands.maxQueuedPerDevice(), 1);
    }

    private static void state(List<String> problems, io.lwm2mgw.config.StateConfig state) {
        if (!List.of("embedded", "redis").contains(state.backend())) {
            problems.add("gateway.state.backend: '" + state.backend() + "' is neither embedded nor redis");
        }
        notBlank(problems, "gateway.state.redis.key-prefix", state.redis().keyPrefix());
        if (state.redis().registrationGrace().isNegative()) {
            problems.add("gateway.state.redis.registration-grace: " + state.redis().registrationGrace()
                    + " must not be negative");
        }
        if (state.redis().ownershipCheckInterval().isNegative() || state.redis().ownershipCheckInterval().isZero()) {
            problems.add("gateway.state.redis.ownership-check-interval: " + state.redis().ownershipCheckInterval()
                    + " must be positive");
        }
    }

    private static void kafkaTopics(List<String> problems, GatewayConfig.KafkaConfig kafka) {
        String key = "gateway.kafka.";
        notBlank(problems, key + "status-topic", kafka.statusTopic());
        notBlank(problems, key + "events-topic", kafka.eventsTopic());
        notBlank(problems, key + "telemetry-topic", kafka.telemetryTopic());
        notBlank(problems, key + "commands-topic", kafka.commandsTopic());
        notBlank(problems, key + "command-results-topic", kafka.commandResultsTopic());
        notBlank(problems, key + "campaigns-topic", kafka.campaignsTopic());
        notBlank(problems, key + "campaign-status-topic", kafka.campaignStatusTopic());
    }

    /** A duration sent on the wire as a whole number of seconds: 0 up to {@code maxSeconds}. */
    private static void secondsWithin(List<String> problems, String key, Duration value, long maxSeconds) {
        if (value.isNegative() || value.getSeconds() > maxSeconds) {
            problems.add(key + ": " + value + " is outside 0.." + maxSeconds + " seconds");
        }
    }

    private static void firmware(List<String> problems, FirmwareConfig firmware) {
        if (firmware.maxImageSize() < 1) {
            problems.add("gateway.firmware.max-image-size: " + firmware.maxImageSize() + " is below the minimum 1");
        }
        if (firmware.cacheMaxBytes() < firmware.maxImageSize()) {
            problems.add("gateway.firmware.cache-max-bytes: " + firmware.cacheMaxBytes()
                    + " is below gateway.firmware.max-image-size (" + firmware.maxImageSize() + ")");
        }
        int block = firmware.blockSize();
        if (block < 16 || block > 1024 || Integer.bitCount(block) != 1) {
            problems.add("gateway.firmware.block-size: " + block + " is not one of 16, 32, 64, 128, 256, 512, 1024");
        }
        firmware.pullUriHost().ifPresent(h -> notBlank(problems, "gateway.firmware.pull-uri-host", h));
        positive(problems, "gateway.firmware.download-timeout", firmware.downloadTimeout());
        positive(problems, "gateway.firmware.device-download-timeout", firmware.deviceDownloadTimeout());
        positive(problems, "gateway.firmware.update-timeout", firmware.updateTimeout());
        positive(problems, "gateway.firmware.total-timeout", firmware.totalTimeout());
        positive(problems, "gateway.firmware.poll-interval", firmware.pollInterval());
    }

    private static void security(List<String> problems, SecurityConfig security) {
        String key = "gateway.lwm2m.security.";
        port(problems, key + "coaps-port", security.coapsPort());
        if (!security.nosecEnabled() && !security.coapsEnabled()) {
            problems.add(key + "nosec-enabled: and coaps-enabled are both false, so no device could connect");
        }
        positive(problems, key + "reload-interval", security.reloadInterval());
        if (!java.util.List.of("accept", "refuse").contains(security.nosecAddressChange())) {
            problems.add(key + "nosec-address-change: '" + security.nosecAddressChange() + "' is neither accept nor"
                    + " refuse");
        }
        positive(problems, key + "refusal-log-interval", security.refusalLogInterval());
        atLeast(problems, key + "dtls.max-connections", security.dtls().maxConnections(), 1);
        between(problems, key + "dtls.connection-id-length", security.dtls().connectionIdLength(), 0, 16);
        positive(problems, key + "dtls.stale-connection-threshold", security.dtls().staleConnectionThreshold());
        positive(problems, key + "dtls.saved-max-age", security.dtls().savedMaxAge());
        atLeast(problems, key + "dtls.connector-threads", security.dtls().connectorThreads(), 0);
        positive(problems, key + "bootstrap.request-timeout", security.bootstrap().requestTimeout());
        if (security.serverPrivateKey().isPresent() && security.serverPublicKey().isEmpty()
                && security.serverCertificateChain().isEmpty()) {
            problems.add(key + "server-private-key: needs server-public-key (RPK) or server-certificate-chain"
                    + " (X.509)");
        }
        if (security.serverPrivateKey().isEmpty()
                && (security.serverPublicKey().isPresent() || security.serverCertificateChain().isPresent())) {
            problems.add(key + "server-private-key: must be set with server-public-key or"
                    + " server-certificate-chain");
        }
        readable(problems, key + "credentials-file", security.credentialsFile());
        readable(problems, key + "server-private-key", security.serverPrivateKey());
        readable(problems, key + "server-public-key", security.serverPublicKey());
        readable(problems, key + "server-certificate-chain", security.serverCertificateChain());
        readable(problems, key + "trusted-certificates", security.trustedCertificates());
    }

    private static void cluster(List<String> problems, io.lwm2mgw.config.ClusterConfig cluster,
            SecurityConfig security) {
        String key = "gateway.cluster.";
        port(problems, key + "port", cluster.port());
        notBlank(problems, key + "host", cluster.host());
        positive(problems, key + "heartbeat-interval", cluster.heartbeatInterval());
        if (!cluster.peerHostPattern().contains("{node}")) {
            problems.add(key + "peer-host-pattern: '" + cluster.peerHostPattern() + "' has no {node}");
        }
        java.util.Set<Integer> listed = new java.util.HashSet<>();
        for (String peer : cluster.peers().orElse(List.of())) {
            java.util.Optional<String> problem = io.lwm2mgw.southbound.lwm2m.cluster.ClusterPeers.problem(peer);
            problem.ifPresent(p -> problems.add(key + "peers: " + p));
            if (problem.isEmpty() && !listed.add(io.lwm2mgw.southbound.lwm2m.cluster.ClusterPeers.node(peer))) {
                problems.add(key + "peers: node " + io.lwm2mgw.southbound.lwm2m.cluster.ClusterPeers.node(peer)
                        + " is listed twice");
            }
        }
        if (cluster.nodeId().isEmpty()) {
            return;
        }
        int node = cluster.nodeId().getAsInt();
        between(problems, key + "node-id", node, 0, 255);
        if (listed.contains(node)) {
            problems.add(key + "peers: lists this replica's own node id " + node);
        }
        if (cluster.psk().map(String::length).orElse(0) < 16) {
            problems.add(key + "psk: required with gateway.cluster.node-id, at least 16 characters (a Secret)");
        }
        if (!security.coapsEnabled()) {
            problems.add(key + "node-id: needs gateway.lwm2m.security.coaps-enabled (only DTLS records are forwarded)");
        }
        if (security.dtls().connectionIdLength() < 5) {
            problems.add(key + "node-id: needs gateway.lwm2m.security.dtls.connection-id-length of at least 5 (is "
                    + security.dtls().connectionIdLength() + "): the node id is one byte of the Connection ID");
        }
    }

    private static void mqttTls(List<String> problems, MqttConfig.TlsConfig tls) {
        readable(problems, "gateway.mqtt.tls.trust-store", tls.trustStore());
        readable(problems, "gateway.mqtt.tls.key-store", tls.keyStore());
    }

    private static void readable(List<String> problems, String key, java.util.Optional<java.nio.file.Path> file) {
        file.filter(f -> !java.nio.file.Files.isReadable(f))
                .ifPresent(f -> problems.add(key + ": " + f + " is not a readable file"));
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
