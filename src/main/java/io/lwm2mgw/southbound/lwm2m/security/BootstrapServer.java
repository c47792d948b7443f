package io.lwm2mgw.southbound.lwm2m.security;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.event.BootstrapEnded;
import io.lwm2mgw.domain.event.DeviceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.CoapExchange;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mEncoder;
import org.eclipse.leshan.core.node.codec.LwM2mEncoder;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.transport.californium.identity.DefaultCoapIdentityHandler;
import org.eclipse.leshan.transport.californium.identity.DefaultCoapsIdentityHandler;
import org.jboss.logging.Logger;

/**
 * Client-initiated bootstrap (spec 5.2.7.1) on the {@code /bs} resource of the gateway's CoAP and CoAPS
 * endpoints. A Bootstrap-Request is checked like a registration (the device's DTLS identity must belong to the
 * endpoint it names), answered 2.04, and then, off the protocol thread, the device's configuration is written:
 * Delete {@code /}, the instances {@link BootstrapInstanceMapper} prepares (Security, Server and, when asked,
 * Access Control), then Bootstrap-Finish. The end is published as a {@link BootstrapEnded} event.
 */
public final class BootstrapServer extends CoapResource {

    private static final Logger LOG = Logger.getLogger(BootstrapServer.class);
    private static final LwM2mModel MODEL = new StaticModel(ObjectLoader.loadAllDefault());

    private final CredentialStore store;
    private final EndpointAuthorizer authorizer;
    private final Consumer<DeviceEvent> events;
    private final Clock clock;
    private final Duration timeout;
    private final ExecutorService flows;
    private final LwM2mEncoder encoder = new DefaultLwM2mEncoder();
    private final BootstrapInstanceMapper instances;

    public BootstrapServer(CredentialStore store, EndpointAuthorizer authorizer, Consumer<DeviceEvent> events,
            Clock clock, Duration timeout, ExecutorService flows, GatewayIdentity gateway) {
        super("bs");
        this.instances = new BootstrapInstanceMapper(gateway);
        this.store = store;
        this.authorizer = authorizer;
        this.events = events;
        this.clock = clock;
        this.timeout = timeout;
        this.flows = flows;
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Request request = exchange.advanced().getRequest();
        String endpoint = exchange.getQueryParameter("ep");
        if (endpoint == null || endpoint.isEmpty()) {
            LOG.warnf("refused bootstrap request from %s: endpoint name (ep) is missing", request.getSourceContext()
                    .getPeerAddress());
            exchange.respond(ResponseCode.BAD_REQUEST, "endpoint name (ep) is missing");
            return;
        }
        LwM2mPeer peer = request.getSourceContext().getPeerIdentity() != null
                ? new DefaultCoapsIdentityHandler().getIdentity(request)
                : new DefaultCoapIdentityHandler().getIdentity(request);
        Optional<String> refusal = authorizer.check(endpoint, peer);
        if (refusal.isPresent()) {
            authorizer.refuse(endpoint, peer, "bootstrap: " + refusal.get());
            exchange.respond(ResponseCode.FORBIDDEN);
            return;
        }
        Optional<BootstrapConfiguration> config = store.current().bootstrapFor(endpoint);
        if (config.isEmpty()) {
            LOG.warnf("refused bootstrap request of %s: no bootstrap configuration matches", endpoint);
            exchange.respond(ResponseCode.BAD_REQUEST, "no bootstrap configuration for this endpoint");
            return;
        }
        exchange.respond(ResponseCode.CHANGED);
        Endpoint coap = exchange.advanced().getEndpoint();
        EndpointContext device = request.getSourceContext();
        flows.execute(() -> run(endpoint, config.get(), coap, device));
    }

    private void run(String endpoint, BootstrapConfiguration config, Endpoint coap, EndpointContext device) {
        List<String> uris = config.servers().stream().map(BootstrapConfiguration.ServerEntry::uri).toList();
        try {
            // every write is prepared first: a configuration that cannot be written must not wipe the device
            Map<LwM2mPath, LwM2mObjectInstance> writes;
            try {
                writes = instances.writes(config, endpoint, store.byEndpoint(endpoint),
                        Optional.ofNullable(store.current().clientKeys().get(endpoint)));
            } catch (IllegalArgumentException e) {
                throw new BootstrapFailed(e.getMessage());
            }
            expect(send(coap, device, Request.newDelete(), "", null), "delete /");
            for (Map.Entry<LwM2mPath, LwM2mObjectInstance> write : writes.entrySet()) {
                write(coap, device, write.getKey(), write.getValue());
            }
            expect(send(coap, device, Request.newPost(), "bs", null), "bootstrap-finish");
            LOG.infof("bootstrapped %s: %s", endpoint, uris);
            events.accept(new BootstrapEnded(clock.instant(), EndpointName.of(endpoint), true, uris,
                    Optional.empty()));
        } catch (BootstrapFailed e) {
            LOG.warnf("bootstrap of %s failed: %s", endpoint, e.getMessage());
            events.accept(new BootstrapEnded(clock.instant(), EndpointName.of(endpoint), false, uris,
                    Optional.of(e.getMessage())));
        } catch (RuntimeException e) {
            // a bug of ours (an encoding the model refuses): still one outcome per bootstrap, with the cause
            LOG.errorf(e, "bootstrap of %s failed unexpectedly", endpoint);
            events.accept(new BootstrapEnded(clock.instant(), EndpointName.of(endpoint), false, uris,
                    Optional.of("internal error: " + e)));
        }
    }

    private void write(Endpoint coap, EndpointContext device, LwM2mPath path, LwM2mObjectInstance node) {
        byte[] payload = encoder.encode(node, ContentFormat.TLV, null, path, MODEL);
        expect(send(coap, device, Request.newPut(), path.getObjectId() + "/" + path.getObjectInstanceId(), payload),
                "write " + path);
    }

    private Response send(Endpoint coap, EndpointContext device, Request request, String path, byte[] tlv) {
        request.setDestinationContext(device);
        if (!path.isEmpty()) {
            request.getOptions().setUriPath(path);
        }
        if (tlv != null) {
            request.getOptions().setContentFormat(ContentFormat.TLV.getCode());
            request.setPayload(tlv);
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        request.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onResponse(Response response) {
                answer.complete(response);
            }

            @Override
            protected void failed() {
                answer.completeExceptionally(new BootstrapFailed("no answer"));
            }
        });
        coap.sendRequest(request);
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            request.cancel();
            throw new BootstrapFailed("/" + path + ": no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.cancel();
            throw new BootstrapFailed("interrupted");
        }
    }

    private static void expect(Response response, String step) {
        if (!response.isSuccess()) {
            throw new BootstrapFailed(step + " answered " + response.getCode().codeClass + "."
                    + String.format("%02d", response.getCode().codeDetail));
        }
    }

    private static final class BootstrapFailed extends RuntimeException {
        BootstrapFailed(String message) {
            super(message, null, false, false);
        }
    }
}
