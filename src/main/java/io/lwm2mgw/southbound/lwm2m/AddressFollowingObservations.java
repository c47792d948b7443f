package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.southbound.lwm2m.security.EndpointAuthorizer;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.interceptors.MessageInterceptor;
import org.eclipse.leshan.core.endpoint.EndPointUriHandler;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.lwm2m.LwM2mLinkParser;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.node.codec.LwM2mEncoder;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpointsProvider;
import org.eclipse.leshan.server.model.LwM2mModelProvider;
import org.eclipse.leshan.server.observation.ObservationServiceImpl;
import org.eclipse.leshan.server.profile.ClientProfile;
import org.eclipse.leshan.server.queue.ClientAwakeTimeProvider;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationDataExtractor;
import org.eclipse.leshan.server.registration.RegistrationIdProvider;
import org.eclipse.leshan.server.registration.RegistrationStore;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.server.registration.UpdatedRegistration;
import org.eclipse.leshan.server.security.Authorizer;
import org.eclipse.leshan.servers.ServerEndpointNameProvider;
import org.eclipse.leshan.servers.security.SecurityStore;
import org.eclipse.leshan.servers.security.ServerSecurityInfo;
import org.jboss.logging.Logger;

/**
 * A device whose notification comes from another address than its registration's (a NAT rebinding, or the UDP
 * load balancer's new session once the device's replica died or restarted) is reached at that address from then
 * on, as if an Update had come from there: the gateway's requests to it no longer go to an address nobody listens
 * on until its next Update. Leshan moves a registration only on Register and Update (its out-of-spec
 * update-on-notification mode writes the store at every notification); this moves it only when the address
 * changed, for a DTLS device under the identity that registered, for a plain-CoAP one when
 * {@code gateway.lwm2m.security.nosec-address-change} is {@code accept}. Runs on the protocol thread that
 * delivered the notification, like Leshan's own update.
 */
final class AddressFollowingObservations extends ObservationServiceImpl {

    private static final Logger LOG = Logger.getLogger(AddressFollowingObservations.class);

    private final RegistrationStore store;
    private final EndpointAuthorizer addresses;

    private AddressFollowingObservations(RegistrationStore store, LwM2mServerEndpointsProvider endpoints,
            Authorizer authorizer, EndpointAuthorizer addresses) {
        super(store, endpoints, false, authorizer);
        this.store = store;
        this.addresses = addresses;
    }

    @Override
    protected Registration updateRegistrationOnRegistration(Observation observation, LwM2mPeer sender,
            ClientProfile profile, LwM2mResponse response) {
        Registration registration = profile.getRegistration();
        if (!(sender instanceof IpPeer from) || !(registration.getClientTransportData() instanceof IpPeer registered)
                || registered.getSocketAddress().equals(from.getSocketAddress())) {
            return registration;
        }
        boolean allowed = registered.isSecure()
                ? from.isSecure() && Objects.equals(registered.getIdentity(), from.getIdentity())
                : !from.isSecure() && addresses.addressChange(registration, sender).isEmpty();
        if (!allowed) {
            return registration;
        }
        UpdatedRegistration moved = store.updateRegistration(new RegistrationUpdate(registration.getId(), sender,
                null, null, null, null, null, null, null, null, null, null));
        if (moved == null) {
            return registration;
        }
        LOG.infof("%s is reached at %s from now on: its notification came from there (registered at %s)",
                registration.getEndpoint(), address(from), address(registered));
        return moved.getUpdatedRegistration();
    }

    private static String address(IpPeer peer) {
        return peer.getSocketAddress().getAddress().getHostAddress() + ":" + peer.getSocketAddress().getPort();
    }

    /**
     * The same for a plain-CoAP device, earlier: Leshan finds a plain device's registration by its address, so a
     * notification from a new one would be dropped before {@link #updateRegistrationOnRegistration} sees it. This
     * interceptor on the CoAP endpoint moves the registration that holds the notification's token to the
     * notification's address first (Californium matches the token from any address: RESPONSE_MATCHING RELAXED,
     * set by {@link SecureTransport} under the same policy). Runs on the connector's thread; the store answers
     * from memory.
     */
    static final class PlainNotifications implements MessageInterceptor {
        private final RegistrationStore store;
        private final Supplier<EndpointUri> uri;
        private final EndpointAuthorizer addresses;

        PlainNotifications(RegistrationStore store,
                Supplier<EndpointUri> uri,
                EndpointAuthorizer addresses) {
            this.store = store;
            this.uri = uri;
            this.addresses = addresses;
        }

        @Override
        public void receiveResponse(Response response) {
            if (!response.getOptions().hasObserve() || response.getSourceContext() == null) {
                return;
            }
            InetSocketAddress from = response.getSourceContext().getPeerAddress();
            if (store.getRegistrationByAdress(from) != null) {
                return;
            }
            Observation observation = store.getObservation(new ObservationIdentifier(
                    uri.get(), response.getToken().getBytes()));
            Registration registration = observation == null ? null
                    : store.getRegistration(observation.getRegistrationId());
            IpPeer sender = new IpPeer(from);
            if (registration == null || !(registration.getClientTransportData() instanceof IpPeer registered)
                    || registered.isSecure() || addresses.addressChange(registration, sender).isPresent()) {
                return;
            }
            if (store.updateRegistration(new RegistrationUpdate(registration.getId(), sender, null, null, null, null,
                    null, null, null, null, null, null)) != null) {
                LOG.infof("%s is reached at %s from now on: its notification came from there (registered at %s)",
                        registration.getEndpoint(), address(sender), address(registered));
            }
        }
    }

    /** A Leshan server builder whose server follows notifications to their address, as described above. */
    static LeshanServerBuilder builder(EndpointAuthorizer addresses) {
        return new LeshanServerBuilder() {
            @Override
            protected LeshanServer createServer(LwM2mServerEndpointsProvider endpointsProvider,
                    RegistrationStore registrationStore, SecurityStore securityStore, Authorizer authorizer,
                    LwM2mModelProvider modelProvider, LwM2mEncoder encoder, LwM2mDecoder decoder,
                    boolean noQueueMode, ClientAwakeTimeProvider awakeTimeProvider,
                    RegistrationIdProvider registrationIdProvider, RegistrationDataExtractor registrationDataExtractor,
                    LwM2mLinkParser linkParser, EndPointUriHandler uriHandler, ServerSecurityInfo serverSecurityInfo,
                    ServerEndpointNameProvider endpointNameProvider, boolean updateRegistrationOnNotification,
                    boolean updateRegistrationOnSend) {
                return new LeshanServer(endpointsProvider, registrationStore, securityStore, authorizer,
                        modelProvider, encoder, decoder, noQueueMode, awakeTimeProvider, registrationIdProvider,
                        registrationDataExtractor, updateRegistrationOnNotification, updateRegistrationOnSend,
                        linkParser, uriHandler, serverSecurityInfo, endpointNameProvider) {
                    @Override
                    protected ObservationServiceImpl createObservationService(RegistrationStore store,
                            boolean updateOnNotification, LwM2mServerEndpointsProvider endpoints,
                            Authorizer leshanAuthorizer) {
                        return new AddressFollowingObservations(store, endpoints, leshanAuthorizer, addresses);
                    }
                };
            }
        };
    }
}
