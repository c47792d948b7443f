package io.lwm2mgw.southbound.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.config.Lwm2mConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.junit.jupiter.api.Test;

class CaliforniumConfigMapperTest {

    /** Values that differ from both Californium's and our defaults, so a forgotten mapping shows. */
    record Coap(int udpReceiveBuffer, int udpSendBuffer, int maxActivePeers, int deduplicationPerPeer,
            int maxResourceBodySize, Duration ackTimeout, int maxRetransmit, Duration exchangeLifetime,
            int protocolThreads, int deduplicationMaxEntries, Duration nonLifetime, int udpDatagramSize)
            implements Lwm2mConfig.CoapConfig {

        Coap(int udpReceiveBuffer, int udpSendBuffer, int maxActivePeers, int deduplicationPerPeer,
                int maxResourceBodySize, Duration ackTimeout, int maxRetransmit, Duration exchangeLifetime,
                int protocolThreads) {
            this(udpReceiveBuffer, udpSendBuffer, maxActivePeers, deduplicationPerPeer, maxResourceBodySize,
                    ackTimeout, maxRetransmit, exchangeLifetime, protocolThreads, 20_000, Duration.ofSeconds(29), 60_001);
        }
    }

    private static final Coap TUNED = new Coap(1_048_577, 2_097_153, 12_345, 17, 9_000_001, Duration.ofMillis(1_500),
            3, Duration.ofSeconds(93), 5);

    private final Configuration configuration = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS);

    @Test
    void sets_the_kernel_udp_buffers() {
        CaliforniumConfigMapper.apply(TUNED, configuration);

        assertThat(configuration.get(UdpConfig.UDP_RECEIVE_BUFFER_SIZE)).isEqualTo(1_048_577);
        assertThat(configuration.get(UdpConfig.UDP_SEND_BUFFER_SIZE)).isEqualTo(2_097_153);
        assertThat(configuration.get(UdpConfig.UDP_DATAGRAM_SIZE)).as("no silent drop above 2 KB").isEqualTo(60_001);
    }

    @Test
    void bounds_deduplication_per_peer_with_peers_mark_and_sweep() {
        CaliforniumConfigMapper.apply(TUNED, configuration);

        assertThat(configuration.get(CoapConfig.DEDUPLICATOR)).isEqualTo(CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        assertThat(configuration.get(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES)).isEqualTo(17);
        assertThat(configuration.get(CoapConfig.MAX_ACTIVE_PEERS)).isEqualTo(12_345);
    }

    @Test
    void sets_body_size_and_coap_timers() {
        CaliforniumConfigMapper.apply(TUNED, configuration);

        assertThat(configuration.get(CoapConfig.MAX_RESOURCE_BODY_SIZE)).isEqualTo(9_000_001);
        assertThat(configuration.get(CoapConfig.ACK_TIMEOUT, TimeUnit.MILLISECONDS)).isEqualTo(1_500L);
        assertThat(configuration.get(CoapConfig.MAX_RETRANSMIT)).isEqualTo(3);
        assertThat(configuration.get(CoapConfig.EXCHANGE_LIFETIME, TimeUnit.SECONDS)).isEqualTo(93L);
        assertThat(configuration.get(CoapConfig.NON_LIFETIME, TimeUnit.SECONDS)).isEqualTo(29L);
        assertThat(configuration.get(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT)).isEqualTo(5);
    }

    @Test
    void keeps_sub_second_timers_exact() {
        Coap fast = new Coap(1_048_576, 1_048_576, 10, 8, 1_024, Duration.ofMillis(200), 2, Duration.ofMillis(10_250), 1);

        CaliforniumConfigMapper.apply(fast, configuration);

        assertThat(configuration.get(CoapConfig.ACK_TIMEOUT, TimeUnit.MILLISECONDS)).isEqualTo(200L);
        assertThat(configuration.get(CoapConfig.EXCHANGE_LIFETIME, TimeUnit.MILLISECONDS)).isEqualTo(10_250L);
    }

    @Test
    void zero_protocol_threads_means_one_per_core() {
        Coap auto = new Coap(1_048_576, 1_048_576, 10, 8, 1_024, Duration.ofSeconds(2), 4, Duration.ofSeconds(247), 0);

        CaliforniumConfigMapper.apply(auto, configuration);

        assertThat(configuration.get(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT))
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    record Dtls(int maxConnections, int connectionIdLength, Duration staleConnectionThreshold, int connectorThreads)
            implements io.lwm2mgw.config.SecurityConfig.DtlsConfig {
        @Override
        public boolean saveConnections() {
            return false;
        }

        @Override
        public Duration savedMaxAge() {
            return Duration.ofHours(24);
        }
    }

    @Test
    void maps_connection_id_connection_limits_and_buffers_onto_dtls() {
        Configuration dtls = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS,
                org.eclipse.californium.scandium.config.DtlsConfig.DEFINITIONS);

        CaliforniumConfigMapper.applyDtls(new Dtls(4_321, 7, Duration.ofHours(2), 3), TUNED, dtls);

        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTION_ID_LENGTH))
                .isEqualTo(7);
        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_MAX_CONNECTIONS))
                .isEqualTo(4_321);
        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD,
                TimeUnit.SECONDS)).isEqualTo(7_200);
        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT))
                .isEqualTo(3);
        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE))
                .isEqualTo(1_048_577);
        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig
                .DTLS_UPDATE_ADDRESS_USING_CID_ON_NEWER_RECORDS)).isTrue();
    }

    @Test
    void connection_id_length_0_is_passed_on_as_support_without_use() {
        Configuration dtls = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS,
                org.eclipse.californium.scandium.config.DtlsConfig.DEFINITIONS);

        CaliforniumConfigMapper.applyDtls(new Dtls(10, 0, Duration.ofHours(1), 1), TUNED, dtls);

        assertThat(dtls.get(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTION_ID_LENGTH)).isZero();
    }
}
