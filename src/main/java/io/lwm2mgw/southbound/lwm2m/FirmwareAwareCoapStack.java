package io.lwm2mgw.southbound.lwm2m;

import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapStackFactory;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.stack.AbstractLayer;
import org.eclipse.californium.core.network.stack.BaseCoapStack;
import org.eclipse.californium.core.network.stack.BlockwiseLayer;
import org.eclipse.californium.core.network.stack.CongestionControlLayer;
import org.eclipse.californium.core.network.stack.ExchangeCleanupLayer;
import org.eclipse.californium.core.network.stack.Layer;
import org.eclipse.californium.core.network.stack.ObserveLayer;

/**
 * Californium's UDP/DTLS stack with two changes: a request that already carries a Block1 option (a firmware
 * block the gateway streams from a file itself) and its responses pass around the BlockwiseLayer, which would
 * otherwise want the whole body in memory and drops Block1 responses it did not start; and a registration sent
 * in blocks beyond the link limit is refused on its first such block. Everything else goes through the
 * standard layers unchanged.
 */
final class FirmwareAwareCoapStack extends BaseCoapStack {

    /** Builds this stack for UDP and DTLS endpoints. */
    static final CoapStackFactory FACTORY = factory(Integer.MAX_VALUE);

    /** Builds this stack, refusing registrations in blocks beyond {@code maxLinkBytes}. */
    static CoapStackFactory factory(int maxLinkBytes) {
        return (protocol, tag, config, matcher, outbox, customArgument) ->
                new FirmwareAwareCoapStack(tag, config, matcher, outbox, maxLinkBytes);
    }

    /** @param maxLinkBytes registration payloads through Block1 beyond this are refused on their first block */
    private FirmwareAwareCoapStack(String tag, org.eclipse.californium.elements.config.Configuration config,
            org.eclipse.californium.elements.EndpointContextMatcher matcher,
            org.eclipse.californium.core.network.Outbox outbox, int maxLinkBytes) {
        super(outbox);
        Below below = new Below(maxLinkBytes);
        Above above = new Above(below);
        below.above = above;
        setLayers(new Layer[] { new ExchangeCleanupLayer(config), new ObserveLayer(config), above,
                new BlockwiseLayer(tag, false, config, matcher), below,
                CongestionControlLayer.newImplementation(tag, config) });
    }

    /** Whether the exchange's request is one the gateway splits into blocks itself. */
    static boolean selfBlocked(Exchange exchange) {
        Request request = exchange.getRequest();
        return exchange.isOfLocalOrigin() && request != null && request.getOptions().hasBlock1();
    }

    /** Above the BlockwiseLayer: sends self-blocked requests straight to {@link Below}. */
    private static final class Above extends AbstractLayer {
        private final Below below;

        Above(Below below) {
            this.below = below;
        }

        @Override
        public void sendRequest(Exchange exchange, Request request) {
            if (request.getOptions().hasBlock1()) {
                below.passDown(exchange, request);
            } else {
                super.sendRequest(exchange, request);
            }
        }

        void passUp(Exchange exchange, Response response) {
            super.receiveResponse(exchange, response);
        }
    }

    /** Below the BlockwiseLayer: hands responses to self-blocked requests straight to {@link Above}. */
    private static final class Below extends AbstractLayer {
        private final int maxLinkBytes;
        private Above above;

        Below(int maxLinkBytes) {
            this.maxLinkBytes = maxLinkBytes;
        }

        /** A registration's Block1 beyond the link limit is answered 4.13 here, before it is assembled. */
        @Override
        public void receiveRequest(Exchange exchange, Request request) {
            java.util.Optional<Response> tooLarge = RegistrationLimits.blockBeyond(request, maxLinkBytes);
            if (tooLarge.isPresent()) {
                exchange.sendResponse(tooLarge.get());
            } else {
                super.receiveRequest(exchange, request);
            }
        }

        void passDown(Exchange exchange, Request request) {
            super.sendRequest(exchange, request);
        }

        @Override
        public void receiveResponse(Exchange exchange, Response response) {
            if (selfBlocked(exchange)) {
                above.passUp(exchange, response);
            } else {
                super.receiveResponse(exchange, response);
            }
        }
    }
}
