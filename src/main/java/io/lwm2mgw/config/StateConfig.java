package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the gateway keeps its state ({@code gateway.state.*}): registrations with their observations, queued
 * commands, completed command ids, campaigns, provisioned credentials and the firmware image index. One
 * backend holds all of them.
 */
public interface StateConfig {

    /**
     * {@code embedded} (default): an embedded, crash-safe engine in {@link #directory()} on the local volume;
     * {@code redis}: a Redis 7 (or Valkey) server, reached through {@code quarkus.redis.hosts}. Any other
     * value stops start-up.
     */
    @WithDefault("embedded")
    String backend();

    /**
     * Folder of the embedded engine's file ({@code state.mv.db}); relative paths are against the working
     * directory; it belongs on a volume on Kubernetes. Locked while the gateway runs. Default (when unset):
     * {@code state} inside {@code gateway.lwm2m.state-directory}, so that a deployment that put the
     * registrations' folder on its volume finds the engine there too (the image sets {@code /data/state}).
     */
    Optional<Path> directory();

    /** The redis backend; ignored when the backend is embedded. */
    RedisStateConfig redis();

    /** Keys and expiry on the redis backend. */
    interface RedisStateConfig {

        /** Prefix of every key the gateway writes, so that several fleets can share one server. Default {@code lwm2m}. */
        @WithDefault("lwm2m")
        String keyPrefix();

        /**
         * How long a registration's key outlives the registration's lifetime (seconds of the Register or the
         * last Update): a device a little late with its Update is still known. Default 5 min.
         */
        @WithDefault("5m")
        Duration registrationGrace();

        /**
         * How often a gateway asks the server which of the registrations it holds in memory another gateway
         * (replica) took over since, and drops those. A shorter interval ends sooner the window in which two
         * replicas hold one device; each check is one script per 500 registrations held. Default 2 s.
         */
        @WithDefault("2s")
        Duration ownershipCheckInterval();

        /**
         * How long a replica's lease on a running campaign lasts unless renewed (every third of it): after a
         * replica dies, another carries its campaigns on within this time. Default 15 s.
         */
        @WithDefault("15s")
        Duration campaignLease();
    }
}
