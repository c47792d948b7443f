package io.lwm2mgw.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Device security ({@code gateway.lwm2m.security.*}): the CoAPS (DTLS) endpoint beside plain CoAP, the
 * gateway's own DTLS identity, and the credentials file that says which device may use which endpoint name.
 */
public interface SecurityConfig {

    /**
     * Serve plain CoAP (NoSec) on {@code gateway.lwm2m.port}. Switch it off to accept only devices with
     * credentials. Default true.
     */
    @WithDefault("true")
    boolean nosecEnabled();

    /** Serve CoAP over DTLS (PSK, RPK, X.509) on {@code coaps-port}. Default true. */
    @WithDefault("true")
    boolean coapsEnabled();

    /** UDP port of the CoAPS endpoint (same host as CoAP); 0 picks a free port (tests). Default 5684. */
    @WithDefault("5684")
    int coapsPort();

    /**
     * JSON file with per-device credentials and bootstrap configurations (see the README), typically a mounted
     * Kubernetes Secret. Re-read when its content changes; absent: no device has credentials.
     */
    Optional<Path> credentialsFile();

    /** How often the credentials file is checked for a change (content, not only mtime). Default 2s. */
    @WithDefault("2s")
    Duration reloadInterval();

    /**
     * The gateway's private key for RPK and X.509 handshakes: PKCS#8, PEM or DER, EC. Absent: PSK only.
     */
    Optional<Path> serverPrivateKey();

    /** The gateway's public key (SubjectPublicKeyInfo, PEM or DER) for RPK, when no certificate is given. */
    Optional<Path> serverPublicKey();

    /** The gateway's certificate chain (PEM, leaf first) for X.509 handshakes; it also serves RPK clients. */
    Optional<Path> serverCertificateChain();

    /** CA certificates (PEM) that device certificates must chain to. Absent: X.509 devices are refused. */
    Optional<Path> trustedCertificates();

    /**
     * After a refusal from one source (a device's {@code host:port}) is logged and published as a security
     * event, further refusals of that source are only logged at debug level and counted
     * ({@code lwm2m_refusals_events_suppressed_total}) for this long, so a flood makes one line and one event.
     * Default 10m.
     */
    @WithDefault("10m")
    Duration refusalLogInterval();

    /**
     * What happens when a registration made without security (plain CoAP) is updated or de-registered from
     * another address: {@code accept} moves it there (NAT rebinding keeps working, published as an
     * {@code updated} event with {@code address} and {@code previousAddress}); {@code refuse} answers 4.03, since
     * without DTLS anyone who learns the registration's location could take the device's commands. Default
     * accept.
     */
    @WithDefault("accept")
    String nosecAddressChange();

    /** DTLS (Scandium) tuning. */
    DtlsConfig dtls();

    /** DTLS connector settings, mapped into the Californium configuration. */
    interface DtlsConfig {
        /** Maximum DTLS connections (devices) kept; the least recently used is evicted beyond. Default 150000. */
        @WithDefault("150000")
        int maxConnections();

        /**
         * Length in bytes of the Connection ID (RFC 9146) the gateway asks devices to send, so a device whose
         * address or port changes (NAT) keeps its session; 0: Connection ID is understood but devices are not
         * asked to use one, so a NAT rebinding needs a new handshake. Default 6.
         */
        @WithDefault("6")
        int connectionIdLength();

        /** How long an idle DTLS connection is kept before it may be evicted. Default 24h. */
        @WithDefault("24h")
        Duration staleConnectionThreshold();

        /** DTLS connector threads (handshakes, encryption); 0: number of cores. Default 0. */
        @WithDefault("0")
        int connectorThreads();

        /**
         * Save the DTLS connections on a graceful stop (SIGTERM) into {@code dtls-connections.bin} in the state
         * directory ({@code gateway.state.directory}; owner-only permissions, encrypted with
         * {@code gateway.cluster.psk} when set) and load them at the next start before serving, so devices keep
         * their sessions across a restart without a new handshake. Default true.
         */
        @WithDefault("true")
        boolean saveConnections();

        /**
         * Connections quiet for longer than this are not saved, and a saved file older than this is not loaded
         * (its devices handshake again). Default 24h.
         */
        @WithDefault("24h")
        Duration savedMaxAge();
    }

    /** The bootstrap server (spec 5.2) that answers {@code POST /bs?ep=} on the CoAP and CoAPS endpoints. */
    BootstrapConfig bootstrap();

    /** Client-initiated bootstrap; the configurations per endpoint come from the credentials file. */
    interface BootstrapConfig {
        /** Answer Bootstrap-Request on {@code /bs}. Default false. */
        @WithDefault("false")
        boolean enabled();

        /** How long to wait for the device's answer to each bootstrap write, delete and finish. Default 10s. */
        @WithDefault("10s")
        Duration requestTimeout();
    }

    /** Credentials added, replaced and removed by applications through {@code credentials-put/-delete}. */
    ProvisioningConfig provisioning();

    interface ProvisioningConfig {
        /**
         * Accept {@code credentials-put} and {@code credentials-delete} commands (MQTT and Kafka). Default
         * false: they are answered {@code invalid}. Restrict who may publish them with the broker's ACLs.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * Where provisioned credentials are kept (one fsync'd file, {@code provisioned.json}, in the credentials
         * file's format; a volume on Kubernetes). Default {@code data/credentials}.
         */
        @WithDefault("data/credentials")
        java.nio.file.Path directory();
    }
}
