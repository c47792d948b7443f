package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Northbound MQTT 5 ({@code gateway.mqtt.*}). */
public interface MqttConfig {

    /** Host of an external MQTT 5 broker. When absent the gateway starts its embedded broker. */
    Optional<String> host();

    /** Port of the external broker. */
    @WithDefault("1883")
    int port();

    /** MQTT client identifier; defaults to {@code lwm2m-gateway-<gateway id>}. */
    Optional<String> clientId();

    /** User name for the broker, if it requires one. */
    Optional<String> username();

    /** Password for the broker, if it requires one. */
    Optional<String> password();

    /** Root level of every topic. */
    @WithDefault("lwm2m")
    String topicRoot();

    /** QoS of everything the gateway publishes (0, 1 or 2). */
    @WithDefault("1")
    int qos();

    /** Whether observed values on {@code {root}/{ep}/data/{path}} are retained. */
    @WithDefault("false")
    boolean retainData();

    /** Keep-alive interval. */
    @WithDefault("30s")
    Duration keepAlive();

    /**
     * How long the broker keeps the gateway's session (its command subscription and the commands sent
     * meanwhile) while the gateway is disconnected.
     */
    @WithDefault("1h")
    Duration sessionExpiry();

    /** Longest wait between two reconnect attempts (the wait grows from 100 ms up to this). */
    @WithDefault("10s")
    Duration maxReconnectDelay();

    /** Maximum QoS 1/2 publishes awaiting acknowledgement at once. */
    @WithDefault("1000")
    int maxInFlight();

    /** The embedded broker, started only when no external {@link #host()} is configured. */
    EmbeddedBrokerConfig embedded();

    /** Embedded MQTT 5 broker (HiveMQ CE), for a first run with no external service. */
    interface EmbeddedBrokerConfig {
        /** Address the embedded broker listens on. */
        @WithDefault("127.0.0.1")
        String host();

        /** TCP port of the embedded broker. */
        @WithDefault("1883")
        int port();
    }
}
