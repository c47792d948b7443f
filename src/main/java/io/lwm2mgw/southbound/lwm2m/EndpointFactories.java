package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.Lwm2mConfig;
import java.net.InetSocketAddress;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.InMemoryMessageExchangeStore;
import io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters;
import io.lwm2mgw.southbound.lwm2m.cluster.DtlsCluster;
import io.lwm2mgw.southbound.lwm2m.cluster.NoInitiationIdentityHandler;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.PskStore;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.endpoint.EffectiveEndpointUriProvider;
import org.eclipse.leshan.server.observation.LwM2mNotificationReceiver;
import org.eclipse.leshan.servers.security.ServerSecurityInfo;
import org.eclipse.leshan.transport.californium.identity.IdentityHandler;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerEndpointFactory;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerEndpointFactoryBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerEndpointFactory;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerEndpointFactoryBuilder;
import org.eclipse.leshan.transport.californium.server.observation.LwM2mObservationStore;

/**
 * Leshan's CoAP and CoAPS endpoint factories with these changes: our CoAP stack (firmware Block1 past the
 * blockwise layer), a bounded deduplication store ({@link BoundedDeduplicator}), observations read back
 * with {@link SharedMapperObservationSerDes}, and in a cluster Scandium's cluster connector with no
 * server-initiated handshakes ({@link DtlsCluster}).
 */
final class EndpointFactories {

    private EndpointFactories() {
    }

    /** @param californium the configuration the endpoints run with, for their bounded deduplication store */
    static CoapServerEndpointFactory coap(InetSocketAddress address, Lwm2mConfig lwm2m, Configuration californium) {
        return new CoapBuilder().setURI(address)
                .setCoapEndpointConfig(b -> ourStack(b, lwm2m.coap(), californium, lwm2m.limits().maxLinkBytes()))
                .build();
    }

    /**
     * @param refusalLogInterval how often an unknown PSK identity is logged again ({@link UnknownPskLog})
     * @param cluster            when in a cluster: its connector instead of a plain one, and no server-initiated
     *                           handshakes
     * @param created            is given the DTLS connector once it is made (to save and load its connections)
     */
    static CoapsServerEndpointFactory coaps(InetSocketAddress address, java.time.Duration refusalLogInterval,
            Lwm2mConfig lwm2m, Configuration californium, RefusalCounters refusals,
            java.util.Optional<DtlsCluster> cluster, ClusterCounters clusterCounters,
            java.util.function.Consumer<DTLSConnector> created) {
        return new CoapsBuilder(refusalLogInterval, refusals, cluster, clusterCounters, created).setURI(address)
                .setCoapEndpointConfig(b -> ourStack(b, lwm2m.coap(), californium, lwm2m.limits().maxLinkBytes()))
                .build();
    }

    /** Our CoAP stack, and an exchange store whose deduplication is bounded ({@link BoundedDeduplicator}). */
    private static void ourStack(CoapEndpoint.Builder builder, Lwm2mConfig.CoapConfig coap, Configuration californium,
            int maxLinkBytes) {
        builder.setCoapStackFactory(FirmwareAwareCoapStack.factory(maxLinkBytes));
        InMemoryMessageExchangeStore exchanges = new InMemoryMessageExchangeStore(californium);
        exchanges.setDeduplicator(CaliforniumConfigMapper.deduplicator(coap, californium));
        builder.setMessageExchangeStore(exchanges);
    }

    private static LwM2mObservationStore observationStore(EffectiveEndpointUriProvider uri, LeshanServer server,
            LwM2mNotificationReceiver receiver) {
        return new LwM2mObservationStore(uri, server.getRegistrationStore(), receiver,
                new SharedMapperObservationSerDes());
    }

    private static final class CoapBuilder extends CoapServerEndpointFactoryBuilder {
        @Override
        public CoapServerEndpointFactory build() {
            return new CoapServerEndpointFactory(uri, loggingTagPrefix, configuration, coapEndpointConfigInitializer,
                    getUriHandler()) {
                @Override
                protected CoapEndpoint.Builder createEndpointBuilder(InetSocketAddress address,
                        Configuration coapConfig, LwM2mNotificationReceiver receiver, LeshanServer server,
                        EffectiveEndpointUriProvider uriProvider) {
                    return super.createEndpointBuilder(address, coapConfig, receiver, server, uriProvider)
                            .setObservationStore(observationStore(uriProvider, server, receiver));
                }
            };
        }
    }

    private static final class CoapsBuilder extends CoapsServerEndpointFactoryBuilder {
        private final java.time.Duration refusalLogInterval;
        private final RefusalCounters refusals;
        private final java.util.Optional<DtlsCluster> cluster;
        private final ClusterCounters clusterCounters;
        private final java.util.function.Consumer<DTLSConnector> created;

        CoapsBuilder(java.time.Duration refusalLogInterval, RefusalCounters refusals,
                java.util.Optional<DtlsCluster> cluster, ClusterCounters clusterCounters,
                java.util.function.Consumer<DTLSConnector> created) {
            this.refusalLogInterval = refusalLogInterval;
            this.refusals = refusals;
            this.cluster = cluster;
            this.clusterCounters = clusterCounters;
            this.created = created;
        }

        @Override
        public CoapsServerEndpointFactory build() {
            return new CoapsServerEndpointFactory(uri, loggingTagPrefix, configuration,
                    dtlsConnectorConfigInitializer, coapEndpointConfigInitializer, getUriHandler()) {
                @Override
                protected LwM2mObservationStore createObservationStore(LeshanServer server,
                        LwM2mNotificationReceiver receiver, EffectiveEndpointUriProvider uriProvider) {
                    return observationStore(uriProvider, server, receiver);
                }

                @Override
                protected void setUpDtlsConfig(DtlsConnectorConfig.Builder dtls, InetSocketAddress address,
                        ServerSecurityInfo serverSecurityInfo, LeshanServer server) {
                    super.setUpDtlsConfig(dtls, address, serverSecurityInfo, server);
                    dtls.setHealthHandler(new DtlsCounters(refusals, clusterCounters));
                    PskStore leshans = dtls.getIncompleteConfig().getPskStore();
                    if (leshans != null) {
                        dtls.setPskStore(new UnknownPskLog(leshans, refusalLogInterval, java.time.Clock.systemUTC(),
                                refusals));
                    }
                }

                @Override
                protected Connector createConnector(DtlsConnectorConfig dtlsConfig) {
                    DTLSConnector connector = cluster.map(c -> c.connector(dtlsConfig))
                            .orElseGet(() -> new DTLSConnector(dtlsConfig));
                    created.accept(connector);
                    return connector;
                }

                @Override
                public IdentityHandler createIdentityHandler() {
                    return cluster.isPresent() ? new NoInitiationIdentityHandler() : super.createIdentityHandler();
                }
            };
        }
    }
}
