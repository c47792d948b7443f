package io.lwm2mgw.bench;

import java.net.InetSocketAddress;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;

/**
 * The reference of the registration storm: Leshan's server with its defaults (in-memory stores, default
 * Californium configuration), nothing bridged. Started as its own process by the benchmark:
 * {@code java -cp <test classpath> io.lwm2mgw.bench.BareLeshanServer <port>}; prints "ready" once bound.
 */
public final class BareLeshanServer {

    private BareLeshanServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        CaliforniumServerEndpointsProvider.Builder endpoints =
                new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider());
        endpoints.addEndpoint(new InetSocketAddress("127.0.0.1", port), Protocol.COAP);
        LeshanServer server = new LeshanServerBuilder().setEndpointsProviders(endpoints.build()).build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        System.out.println("ready " + server.getEndpoint(Protocol.COAP).getURI());
        Thread.currentThread().join();
    }
}
