package io.lwm2mgw.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;

/**
 * A device that speaks CoAP by hand over its own UDP socket: for LwM2M 1.0 registrations with every
 * parameter, versions the gateway does not speak, and registrations Leshan's client would never send.
 */
public final class RawCoapDevice implements AutoCloseable {

    private final CoapEndpoint endpoint;
    private final int serverPort;

    public RawCoapDevice(int serverPort) {
        this.serverPort = serverPort;
        this.endpoint = new CoapEndpoint.Builder()
                .setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .build();
        try {
            endpoint.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** POST /rd?{query} with a CoRE link-format body; returns the response (null on timeout). */
    public Response register(String query, String links) {
        return send(CoAP.Code.POST, "/rd?" + query, links);
    }

    /** POST {location}?{query}: a registration update. */
    public Response update(String location, String query) {
        return send(CoAP.Code.POST, location + (query.isEmpty() ? "" : "?" + query), null);
    }

    /** DELETE {location}: de-registration. */
    public Response deregister(String location) {
        return send(CoAP.Code.DELETE, location, null);
    }

    private Response send(CoAP.Code code, String pathAndQuery, String links) {
        Request request = new Request(code);
        request.setURI("coap://127.0.0.1:" + serverPort + pathAndQuery);
        if (links != null) {
            request.setPayload(links);
            request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_LINK_FORMAT);
        }
        request.send(endpoint);
        try {
            return request.waitForResponse(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The registration location (e.g. {@code /rd/abc}) from a 2.01 Created response. */
    public static String location(Response response) {
        return "/" + response.getOptions().getLocationPathString();
    }

    @Override
    public void close() {
        endpoint.destroy();
    }
}
