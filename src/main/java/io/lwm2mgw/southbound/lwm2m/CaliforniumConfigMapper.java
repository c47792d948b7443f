package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.Lwm2mConfig;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Maps our typed CoAP settings onto a Californium {@link Configuration} created in memory (never
 * {@code Configuration.getStandard()}, which reads and writes a properties file).
 */
final class CaliforniumConfigMapper {

    private CaliforniumConfigMapper() {
    }

    static void apply(Lwm2mConfig.CoapConfig coap, Configuration target) {
        target.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, coap.udpReceiveBuffer());
        target.set(UdpConfig.UDP_SEND_BUFFER_SIZE, coap.udpSendBuffer());
        target.set(UdpConfig.UDP_DATAGRAM_SIZE, coap.udpDatagramSize());
        target.set(CoapConfig.MAX_ACTIVE_PEERS, coap.maxActivePeers());
        // per-peer mark-and-sweep: one chatty or hostile peer cannot grow the deduplication store unbounded
        target.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        target.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, coap.deduplicationPerPeer());
        target.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, coap.maxResourceBodySize());
        target.set(CoapConfig.ACK_TIMEOUT, coap.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        target.set(CoapConfig.MAX_RETRANSMIT, coap.maxRetransmit());
        target.set(CoapConfig.EXCHANGE_LIFETIME, coap.exchangeLifetime().toMillis(), TimeUnit.MILLISECONDS);
        target.set(CoapConfig.NON_LIFETIME, coap.nonLifetime().toMillis(), TimeUnit.MILLISECONDS);
        // shorter than the 10 s default: with a short NON lifetime, expired entries would otherwise wait a while
        target.set(CoapConfig.MARK_AND_SWEEP_INTERVAL, 5, TimeUnit.SECONDS);
        int threads = coap.protocolThreads() > 0 ? coap.protocolThreads() : Runtime.getRuntime().availableProcessors();
        target.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, threads);
    }

    /**
     * Maps our DTLS settings: Connection ID length (0: understood, but devices are not asked to use one), connection limits and threads. The UDP buffers
     * of the CoAP settings apply to the DTLS socket too.
     */
    /**
     * The deduplication store of one endpoint, bounded per device, in total and in time (replaces the one
     * Californium's {@code DEDUPLICATOR} setting would create; that setting stays for anything else reading it).
     */
    static BoundedDeduplicator deduplicator(Lwm2mConfig.CoapConfig coap, Configuration californium) {
        return new BoundedDeduplicator(coap.deduplicationPerPeer(), coap.deduplicationMaxEntries(),
                californium.get(CoapConfig.EXCHANGE_LIFETIME, TimeUnit.MILLISECONDS),
                californium.get(CoapConfig.NON_LIFETIME, TimeUnit.MILLISECONDS),
                californium.get(CoapConfig.MARK_AND_SWEEP_INTERVAL, TimeUnit.MILLISECONDS));
    }

    static void applyDtls(io.lwm2mgw.config.SecurityConfig.DtlsConfig dtls, Lwm2mConfig.CoapConfig coap,
            Configuration target) {
        target.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, dtls.connectionIdLength());
        // a record with a valid Connection ID from a new address moves the connection there (NAT rebinding)
        target.set(DtlsConfig.DTLS_UPDATE_ADDRESS_USING_CID_ON_NEWER_RECORDS, true);
        target.set(DtlsConfig.DTLS_MAX_CONNECTIONS, dtls.maxConnections());
        target.set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, dtls.staleConnectionThreshold().toSeconds(),
                TimeUnit.SECONDS);
        int threads = dtls.connectorThreads() > 0 ? dtls.connectorThreads()
                : Runtime.getRuntime().availableProcessors();
        target.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, threads);
        target.set(DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE, coap.udpReceiveBuffer());
        target.set(DtlsConfig.DTLS_SEND_BUFFER_SIZE, coap.udpSendBuffer());
    }

    /** A cluster replica: its node id goes into the first byte of every Connection ID it issues. */
    static void applyClusterNode(int node, Configuration target) {
        target.set(DtlsConfig.DTLS_CONNECTION_ID_NODE_ID, node);
    }
}
