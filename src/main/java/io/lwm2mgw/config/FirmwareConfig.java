package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Firmware updates (Object 5) and campaigns ({@code gateway.firmware.*}). */
public interface FirmwareConfig {

    /** Folder of the local image cache; images are kept as {@code {sha256}.bin}. Default {@code data/firmware}. */
    @WithDefault("data/firmware")
    Path imageDirectory();

    /** Largest image accepted, in bytes. Default 64 MiB. */
    @WithDefault("67108864")
    long maxImageSize();

    /** Total size of the image cache in bytes; the least recently used images not in use go first. Default 1 GiB. */
    @WithDefault("1073741824")
    long cacheMaxBytes();

    /** How long downloading an image from its URL may take. Default 5 minutes. */
    @WithDefault("5m")
    Duration downloadTimeout();

    /**
     * CoAP block size in bytes for push (Block1) and pull (Block2): 16, 32, 64, 128, 256, 512 or 1024; a device
     * that asks for smaller blocks gets them. Default 512.
     */
    @WithDefault("512")
    int blockSize();

    /**
     * Host name or address devices use to reach the gateway in a pull URI ({@code coap://host:port/fw/...}).
     * Default: the LwM2M listen address, or this machine's address when that is the wildcard.
     */
    Optional<String> pullUriHost();

    /** How long a device may take to download (push or pull) until it reports Downloaded. Default 10 minutes. */
    @WithDefault("10m")
    Duration deviceDownloadTimeout();

    /** How long a device may take from Update to reporting its Update Result, reboot included. Default 5 minutes. */
    @WithDefault("5m")
    Duration updateTimeout();

    /** Default for the whole update when the command gives no {@code timeout}. Default 1 hour. */
    @WithDefault("1h")
    Duration totalTimeout();

    /** How often State and Update Result are read from a device that refuses to be observed. Default 10 s. */
    @WithDefault("10s")
    Duration pollInterval();

    /** Folder where campaigns are kept so that they carry on after a restart. Default {@code data/campaigns}. */
    @WithDefault("data/campaigns")
    Path campaignDirectory();
}
