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

    /**
     * An MQTT topic filter (e.g. {@code app/+/replies/#}) that a command's MQTT 5 Response Topic must match; a
     * command whose response topic does not is answered {@code invalid} on its usual results topic. Absent
     * (default): any response topic outside {@link #topicRoot()} (one under it is always refused).
     */
    Optional<String> responseTopicFilter();

    /**
     * Name of the MQTT 5 shared subscription group ({@code $share/{group}/...}) through which replicas on the
     * redis state backend take commands and campaign requests, so that the broker gives each to one replica
     * only. Default: {@code lwm2m-gateway-} and the topic root, with {@code /}, {@code +} and {@code #}
     * replaced by {@code -}. Ignored on the embedded backend, where the gateway subscribes plainly.
     */
    Optional<String> sharedGroup();

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

    /** TLS towards the external broker ({@code gateway.mqtt.tls.*}). */
    TlsConfig tls();

    /**
     * TLS to the broker: server verification against a trust store, and optionally a client certificate from a
     * key store (instead of, or together with, {@code username}/{@code password}).
     */
    interface TlsConfig {
        /** Connect with TLS. Default false. */
        @WithDefault("false")
        boolean enabled();

        /**
         * Trust store (PKCS#12 or JKS) with the CA certificates the broker's certificate must chain to. Absent:
         * the JVM's default trust store.
         */
        Optional<java.nio.file.Path> trustStore();

        /** Password of the trust store. */
        Optional<String> trustStorePassword();

        /** Key store (PKCS#12 or JKS) with the gateway's client certificate and key, for brokers that ask. */
        Optional<java.nio.file.Path> keyStore();

        /** Password of the key store and its key. */
        Optional<String> keyStorePassword();

        /** Check that the broker's certificate names {@code gateway.mqtt.host}. Default true. */
        @WithDefault("true")
        boolean hostnameVerification();
    }

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
