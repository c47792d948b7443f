package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the file stores (registrations, queued commands, campaigns, credentials) behave when the disk fails
 * ({@code gateway.storage.*}). The folders themselves are configured with each store.
 */
public interface StorageConfig {

    /** Delay before the first retry of a write the disk refused (full, read-only); doubled per failure. Default 1 s. */
    @WithDefault("1s")
    Duration retryFirstDelay();

    /** Longest delay between two retries of a refused write. Default 30 s. */
    @WithDefault("30s")
    Duration retryMaxDelay();
}
