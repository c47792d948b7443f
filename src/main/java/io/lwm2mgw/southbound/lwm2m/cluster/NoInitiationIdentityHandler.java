package io.lwm2mgw.southbound.lwm2m.cluster;

import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.transport.californium.identity.DefaultCoapsIdentityHandler;

/**
 * Leshan's CoAPS identities, except that a request to a device never starts a handshake from the gateway's side.
 * In a cluster only the replica holding a device's session can reach it; another one would open a second,
 * server-initiated session (most devices refuse those, and one that accepted would have its session split over
 * two replicas). Without a session the request fails at once and waits for the device, as for queue mode.
 */
public final class NoInitiationIdentityHandler extends DefaultCoapsIdentityHandler {

    @Override
    public EndpointContext createEndpointContext(LwM2mPeer client, boolean allowConnectionInitiation) {
        return super.createEndpointContext(client, false);
    }
}
