package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The LwM2M server facing devices ({@code gateway.lwm2m.*}). */
public interface Lwm2mConfig {

    /** Address the CoAP (UDP, no security) endpoint binds to. */
    @WithDefault("0.0.0.0")
    String host();

    /** UDP port of the CoAP endpoint; 0 picks a free port (tests). */
    @WithDefault("5683")
    int port();

    /** Folder with extra object model (DDF XML) files, loaded at start in addition to the built-in ones. */
    Optional<Path> modelsDirectory();

    /**
     * Folder of the embedded store of registrations and observations, so devices need not register again
     * after a restart (a volume on Kubernetes); relative paths are against the working directory.
     */
    @WithDefault("data/registrations")
    Path stateDirectory();

    /** How often expired registrations are looked for. */
    @WithDefault("10s")
    Duration expiryCheckInterval();

    /** Device security: CoAPS, credentials, bootstrap. */
    SecurityConfig security();

    /** Californium transport settings. */
    CoapConfig coap();

    /** What one device, one address and all devices together may register. */
    LimitsConfig limits();

    /**
     * Limits applied at the door, before Leshan parses a registration: a flood of made-up endpoints from one
     * socket, or megabytes of links, is refused instead of becoming registrations.
     */
    interface LimitsConfig {
        /**
         * Registrations the gateway holds at most; a Register for a new endpoint beyond it is answered 5.03
         * Service Unavailable with Max-Age 60 (re-registrations of known endpoints still succeed). Default 100000.
         */
        @WithDefault("100000")
        int maxRegistrations();

        /**
         * Register requests accepted per source address (IP, all ports together) per
         * {@link #registrationWindow()}; more are answered 4.29 Too Many Requests with Max-Age. A fleet behind
         * one NAT address needs room: the default lets 500 devices register at once and 50 per second after.
         * Default 500.
         */
        @WithDefault("500")
        int registrationsPerAddress();

        /** The window of {@link #registrationsPerAddress()}. Default 10 s. */
        @WithDefault("10s")
        Duration registrationWindow();

        /**
         * Largest link-format payload of a Register or Update, in bytes, in one datagram or through Block1
         * (checked on the first block that goes beyond it); more is answered 4.13 with Size1. Default 16384.
         */
        @WithDefault("16384")
        int maxLinkBytes();

        /** Most links (objects and instances) in one Register or Update; more is answered 4.00. Default 1000. */
        @WithDefault("1000")
        int maxLinks();
    }

    /** How long the gateway waits for a device's answer to a request it sends on its own (auto-observe). */
    @WithDefault("30s")
    Duration requestTimeout();

    /**
     * How long a queue-mode device stays reachable after it sent something (spec 8.3: at least
     * MAX_TRANSMIT_WAIT, 93 s with default CoAP timers).
     */
    @WithDefault("93s")
    Duration awakeTime();

    /** CoAP transport tuning (Californium), mapped into a fresh Californium Configuration at start. */
    interface CoapConfig {
        /** Kernel UDP receive buffer, bytes. Below 4 MB the OS drops datagrams under notification bursts. */
        @WithDefault("4194304")
        int udpReceiveBuffer();

        /** Kernel UDP send buffer, bytes. */
        @WithDefault("4194304")
        int udpSendBuffer();

        /** Maximum number of peers with live exchanges (memory bound at scale). */
        @WithDefault("200000")
        int maxActivePeers();

        /**
         * Deduplication entries (recently received message ids with their exchange, about 3 KB each) kept per
         * device; its oldest goes first. A CON retransmission repeats one of the last few ids, so a handful is
         * enough; a duplicate older than that is processed again. Default 8.
         */
        @WithDefault("8")
        int deduplicationPerPeer();

        /**
         * Deduplication entries kept for all devices together; the oldest goes first. Bounds this store's heap
         * whatever the fleet and its notification rate (about 3 KB per entry: 20,000 take about 60 MB).
         * Default 20000.
         */
        @WithDefault("20000")
        int deduplicationMaxEntries();

        /**
         * CoAP NON_LIFETIME: how long the id of a NON message (most notifications) is remembered for
         * deduplication. A NON is never retransmitted, so this only catches duplicates made by the network.
         * Default 30 s (RFC 7252: 145 s).
         */
        @WithDefault("30s")
        Duration nonLifetime();

        /**
         * Largest UDP datagram received, bytes (Californium's UDP_DATAGRAM_SIZE; its default of 2048 drops larger
         * ones silently). Default 65507, the largest UDP payload: a body that is too large is then answered 4.13
         * instead of lost.
         */
        @WithDefault("65507")
        int udpDatagramSize();

        /** Largest request or response body accepted, bytes (firmware images need more than the default). */
        @WithDefault("16777216")
        int maxResourceBodySize();

        /** Initial CoAP ACK timeout (RFC 7252 ACK_TIMEOUT). */
        @WithDefault("2s")
        Duration ackTimeout();

        /** CoAP MAX_RETRANSMIT. */
        @WithDefault("4")
        int maxRetransmit();

        /** CoAP EXCHANGE_LIFETIME: how long a message id is remembered for deduplication. */
        @WithDefault("247s")
        Duration exchangeLifetime();

        /** Number of protocol threads (0: number of cores). */
        @WithDefault("0")
        int protocolThreads();
    }
}
