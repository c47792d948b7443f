package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.firmware.FirmwareTransferPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpoint;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.transport.californium.identity.DefaultCoapIdentityHandler;
import org.eclipse.leshan.transport.californium.identity.DefaultCoapsIdentityHandler;
import org.eclipse.leshan.transport.californium.identity.IdentityHandler;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpoint;

/**
 * Moves firmware bytes to devices on the server's own CoAP endpoints (the device's NAT binding and DTLS
 * session are there): streamed Block1 pushes, and Block2 downloads at {@code /fw/{token}}.
 */
@ApplicationScoped
public class Lwm2mFirmwareTransfer implements FirmwareTransferPort {

    private final Lwm2mEndpoint lwm2m;
    private final Optional<String> pullHost;
    /** Reads blocks and sends the next one, off the protocol threads. */
    private final ExecutorService blocks = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "firmware-push");
        t.setDaemon(true);
        return t;
    });

    private final io.lwm2mgw.command.DeviceLanes lanes;

    public Lwm2mFirmwareTransfer(Lwm2mEndpoint lwm2m, GatewayConfig config, io.lwm2mgw.command.DeviceLanes lanes) {
        this.lwm2m = lwm2m;
        this.lanes = lanes;
        this.pullHost = config.firmware().pullUriHost();
    }

    @Override
    public Transfer push(EndpointName endpoint, FirmwareImage image, int blockSize, LongConsumer progress,
            Consumer<PushOutcome> done) {
        LeshanServer server = lwm2m.server();
        Registration reg = server == null ? null : server.getRegistrationService().getByEndpoint(endpoint.value());
        if (reg == null) {
            done.accept(PushOutcome.failed(Optional.empty(), "no registration for " + endpoint));
            return () -> { };
        }
        CaliforniumServerEndpoint coap = endpointOf(server, reg);
        IdentityHandler identity = isSecure(reg) ? new DefaultCoapsIdentityHandler() : new DefaultCoapIdentityHandler();
        FirmwarePush push = new FirmwarePush(coap.getCoapEndpoint(),
                identity.createEndpointContext(reg.getClientTransportData(), false), reg.getRootPath(), image,
                blockSize, progress, done, blocks, task -> lanes.submit(endpoint, task));
        push.start();
        return push;
    }

    @Override
    public PullOffer offer(EndpointName endpoint, FirmwareImage image, int blockSize, LongConsumer served) {
        LeshanServer server = lwm2m.server();
        Registration reg = server == null ? null : server.getRegistrationService().getByEndpoint(endpoint.value());
        boolean secure = reg != null && isSecure(reg);
        LwM2mServerEndpoint serving = server == null ? null : server.getEndpoint(secure ? Protocol.COAPS : Protocol.COAP);
        if (serving == null) {
            throw new IllegalStateException("no " + (secure ? "CoAPS" : "CoAP") + " endpoint to serve the image");
        }
        String token;
        try {
            token = lwm2m.downloads().offer(image, blockSize, served);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var base = serving.getURI();
        String host = pullHost.orElseGet(() -> reachableHost(base.getHost()));
        URI uri = URI.create(base.getScheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + base.getPort() + "/" + FirmwareDownloadResource.NAME + "/" + token);
        return new PullOffer() {
            @Override
            public URI uri() {
                return uri;
            }

            @Override
            public void revoke() {
                lwm2m.downloads().revoke(token);
            }
        };
    }

    @Override
    public boolean registeredSecurely(EndpointName endpoint) {
        LeshanServer server = lwm2m.server();
        Registration reg = server == null ? null : server.getRegistrationService().getByEndpoint(endpoint.value());
        return reg != null && isSecure(reg);
    }

    private static boolean isSecure(Registration reg) {
        return "coaps".equalsIgnoreCase(reg.getEndpointUri().getScheme());
    }

    private static CaliforniumServerEndpoint endpointOf(LeshanServer server, Registration reg) {
        return (CaliforniumServerEndpoint) server.getEndpoint(isSecure(reg) ? Protocol.COAPS : Protocol.COAP);
    }

    private static String reachableHost(String bound) {
        String host = bound.startsWith("[") ? bound.substring(1, bound.length() - 1) : bound;
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress()) {
                return InetAddress.getLocalHost().getHostAddress();
            }
        } catch (UnknownHostException e) {
            return host;
        }
        return host;
    }

    public void stop() {
        blocks.shutdownNow();
    }
}
