package io.lwm2mgw.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Root of the gateway's own configuration ({@code gateway.*}). Kafka client settings stay in Kafka's own
 * {@code kafka.*} namespace; everything else the gateway decides is here, typed and documented.
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * Identity of this gateway instance, used in {@code lwm2m/gateway/{id}/status} and as CloudEvents source.
     * Defaults to the host name (the pod name on Kubernetes).
     */
    @WithDefault("${HOSTNAME:lwm2m-gateway}")
    String id();

    /** The LwM2M server towards devices. */
    Lwm2mConfig lwm2m();

    /** The northbound MQTT 5 connection (or embedded broker). */
    MqttConfig mqtt();

    /** The northbound Kafka topics; the connection itself is configured under {@code kafka.*}. */
    KafkaConfig kafka();

    /** The bounded buffers between the fan-out and each northbound sink. */
    BufferConfig buffer();

    /** Observations the gateway sets up by itself when a device registers. */
    ObserveConfig observe();

    /** Commands from MQTT and Kafka. */
    CommandsConfig commands();

    /** Firmware updates and campaigns. */
    FirmwareConfig firmware();

    /** How the file stores retry writes a full or failing disk refused. */
    StorageConfig storage();

    /** Which backend holds the gateway's state (embedded engine or redis), and its settings. */
    StateConfig state();

    /** The operator API and web console. */
    HttpConfig http();

    /** Several replicas: DTLS records forwarded to the replica holding the session. */
    ClusterConfig cluster();

    /** Defaults and limits of the command plane. */
    interface CommandsConfig {
        /** How long to wait for a device's answer when the command gives no {@code timeout}. */
        @WithDefault("30s")
        java.time.Duration defaultTimeout();

        /** How long a command may wait for a sleeping device when it gives no {@code ttl}. */
        @WithDefault("24h")
        java.time.Duration defaultTtl();

        /**
         * Folder of the embedded store of commands waiting for sleeping devices (a volume on Kubernetes);
         * relative paths are against the working directory.
         */
        @WithDefault("data/commands")
        java.nio.file.Path storeDirectory();

        /** How often commands waiting for sleeping devices are checked against their TTL. */
        @WithDefault("1s")
        java.time.Duration ttlCheckInterval();

        /** Commands waiting per device; one more is answered {@code failed}. */
        @WithDefault("100")
        int maxQueuedPerDevice();

        /** Completed command ids remembered, so a redelivered command is not executed twice. */
        @WithDefault("100000")
        int completedIdsRemembered();
    }

    /** Buffers that hold outbound messages while a broker is unreachable. */
    interface BufferConfig {
        /** Maximum number of messages held per sink; when full the oldest is dropped and counted. */
        @WithDefault("100000")
        int capacity();
    }

    /** Northbound Kafka topic names; the sink is active only when {@code kafka.bootstrap.servers} is set. */
    interface KafkaConfig {
        /** Compacted topic with the latest status document per endpoint. */
        @WithDefault("lwm2m.status")
        String statusTopic();

        /** Lifecycle events of every device. */
        @WithDefault("lwm2m.events")
        String eventsTopic();

        /** Observed values. */
        @WithDefault("lwm2m.telemetry")
        String telemetryTopic();

        /** Commands in (key: endpoint). */
        @WithDefault("lwm2m.commands")
        String commandsTopic();

        /** Command results. */
        @WithDefault("lwm2m.command-results")
        String commandResultsTopic();

        /** Campaign starts and cancels in (key: campaign id). */
        @WithDefault("lwm2m.campaigns")
        String campaignsTopic();

        /** Campaign status documents, compacted (key: campaign id). */
        @WithDefault("lwm2m.campaign-status")
        String campaignStatusTopic();

        /** Consumer group of the command consumer; all gateway replicas share it. */
        @WithDefault("lwm2m-gateway")
        String commandsGroup();

        /**
         * Kafka commands taken but not yet ended (final result confirmed, or durably queued) before the command
         * consumer pauses its partitions; it resumes as commands end. Default 512.
         */
        @WithDefault("512")
        int maxInFlightCommands();
    }

    /** Auto-observe rules. */
    interface ObserveConfig {
        /**
         * Rules applied to every registration; indexed, e.g. {@code gateway.observe.rules[0].path=/3/0/9}.
         * A rule applies when the device registers the object (and the instance, when the path names one).
         */
        java.util.List<ObserveRuleConfig> rules();
    }

    /**
     * One auto-observe rule: a path (or several, observed together) and the write-attributes to set before
     * observing it.
     */
    interface ObserveRuleConfig {
        /** LwM2M path to observe: {@code /3303}, {@code /3/0}, {@code /3/0/9}. Exactly one of path and paths. */
        java.util.Optional<String> path();

        /**
         * Several paths observed as one composite observation (LwM2M 1.1 Observe-Composite), comma-separated:
         * {@code /3303/0/5700,/3/0/9}. Applied to LwM2M 1.1 devices, to the paths whose object (and instance)
         * the device registered; a 1.0 device gets a single observation per path instead. Exactly one of path
         * and paths.
         */
        java.util.Optional<java.util.List<String>> paths();

        /**
         * Content format to ask for: {@code text}, {@code opaque}, {@code tlv}, {@code json} (OMA JSON),
         * {@code senml-json}, {@code senml-cbor} or {@code cbor}. Absent: Leshan's choice for the device's
         * version, or SenML JSON for an object no model knows.
         */
        java.util.Optional<String> format();

        /** Minimum period between notifications, seconds. */
        java.util.Optional<Long> pmin();

        /** Maximum period between notifications, seconds. */
        java.util.Optional<Long> pmax();

        /** Notify when the value rises above this threshold. */
        @WithName("gt")
        java.util.Optional<Double> greaterThan();

        /** Notify when the value falls below this threshold. */
        @WithName("lt")
        java.util.Optional<Double> lessThan();

        /** Notify when the value changes by at least this step. */
        @WithName("st")
        java.util.Optional<Double> step();
    }
}
