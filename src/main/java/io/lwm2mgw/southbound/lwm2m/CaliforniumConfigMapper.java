package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.Lwm2mConfig;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

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
        target.set(CoapConfig.MAX_ACTIVE_PEERS, coap.maxActivePeers());
        // per-peer mark-and-sweep: one chatty or hostile peer cannot grow the deduplication store unbounded
        target.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        target.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, coap.deduplicationPerPeer());
        target.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, coap.maxResourceBodySize());
        target.set(CoapConfig.ACK_TIMEOUT, coap.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        target.set(CoapConfig.MAX_RETRANSMIT, coap.maxRetransmit());
        target.set(CoapConfig.EXCHANGE_LIFETIME, coap.exchangeLifetime().toMillis(), TimeUnit.MILLISECONDS);
        int threads = coap.protocolThreads() > 0 ? coap.protocolThreads() : Runtime.getRuntime().availableProcessors();
        target.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, threads);
    }
}
