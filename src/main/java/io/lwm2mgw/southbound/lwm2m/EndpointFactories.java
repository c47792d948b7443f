package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.Lwm2mConfig;
import java.net.InetSocketAddress;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.InMemoryMessageExchangeStore;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.PskStore;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.endpoint.EffectiveEndpointUriProvider;
import org.eclipse.leshan.server.observation.LwM2mNotificationReceiver;
import org.eclipse.leshan.servers.security.ServerSecurityInfo;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerEndpointFactory;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerEndpointFactoryBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerEndpointFactory;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerEndpointFactoryBuilder;
import org.eclipse.leshan.transport.californium.server.observation.LwM2mObservationStore;

/**
 * Leshan's CoAP and CoAPS endpoint factories with three changes: our CoAP stack (firmware Block1 past the
 * blockwise layer), a bounded deduplication store ({@link BoundedDeduplicator}) and observations read back
 * with {@link SharedMapperObservationSerDes}.
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

    /** @param refusalLogInterval how often an unknown PSK identity is logged again ({@link UnknownPskLog}) */
    static CoapsServerEndpointFactory coaps(InetSocketAddress address, java.time.Duration refusalLogInterval,
            Lwm2mConfig lwm2m, Configuration californium, RefusalCounters refusals) {
        return new CoapsBuilder(refusalLogInterval, refusals).setURI(address)
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

        CoapsBuilder(java.time.Duration refusalLogInterval, RefusalCounters refusals) {
            this.refusalLogInterval = refusalLogInterval;
            this.refusals = refusals;
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
                    dtls.setHealthHandler(new DtlsCounters(refusals));
                    PskStore leshans = dtls.getIncompleteConfig().getPskStore();
                    if (leshans != null) {
                        dtls.setPskStore(new UnknownPskLog(leshans, refusalLogInterval, java.time.Clock.systemUTC(),
                                refusals));
                    }
                }
            };
        }
    }
}
