package io.lwm2mgw.southbound.lwm2m.security;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.RegistrationRefused;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.LwM2mPeer;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.security.Authorizer;
import org.eclipse.leshan.servers.security.Authorization;
import org.jboss.logging.Logger;

/**
 * Spec 7.1.5: a device may use only the endpoint name its credentials belong to. A DTLS identity (PSK identity,
 * raw public key, certificate subject) is looked up in the {@link CredentialStore} and must belong to the
 * endpoint named; a device without DTLS may not use an endpoint that has credentials. A refusal is answered
 * 4.03 by Leshan, logged in one line and published as a {@link RegistrationRefused} security event, once per
 * source ({@code host:port}) and interval: the rest of a flood from one source is logged at debug level and
 * counted. A plain registration updated from another address is refused too when so configured. Runs on
 * protocol threads: it only reads maps and hands the event off.
 */
public final class EndpointAuthorizer implements Authorizer {

    private static final Logger LOG = Logger.getLogger(EndpointAuthorizer.class);
    private static final int REMEMBERED_REFUSALS = 10_000;

    private final CredentialStore store;
    private final Consumer<DeviceEvent> events;
    private final Clock clock;
    private final boolean refuseNosecAddressChange;
    private final SourceThrottle perSource;
    private final LongAdder suppressed;

    public EndpointAuthorizer(CredentialStore store, Consumer<DeviceEvent> events, Clock clock,
            Duration logInterval) {
        this(store, events, clock, logInterval, false, new LongAdder());
    }

    /**
     * @param logInterval the first refusal of a source ({@code host:port}) in this interval is logged and
     *                    published; the rest only at debug level, counted in {@code suppressed}
     * @param refuseNosecAddressChange {@code gateway.lwm2m.security.nosec-address-change=refuse}
     */
    public EndpointAuthorizer(CredentialStore store, Consumer<DeviceEvent> events, Clock clock,
            Duration logInterval, boolean refuseNosecAddressChange, LongAdder suppressed) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.refuseNosecAddressChange = refuseNosecAddressChange;
        this.perSource = new SourceThrottle(1, logInterval, clock, REMEMBERED_REFUSALS);
        this.suppressed = suppressed;
    }

    @Override
    public Authorization isAuthorized(UplinkRequest<?> request, Registration registration, LwM2mPeer sender,
            EndpointUri endpointUri) {
        if (request instanceof RegisterRequest || request instanceof UpdateRequest
                || request instanceof DeregisterRequest) {
            if (!(request instanceof RegisterRequest) && !registration.getEndpointUri().equals(endpointUri)) {
                // a registration stays on the endpoint (CoAP or CoAPS) it was made on
                return refuse(registration.getEndpoint(), sender, "request on " + endpointUri
                        + " for a registration made on " + registration.getEndpointUri());
            }
            Optional<String> moved = request instanceof RegisterRequest ? Optional.empty()
                    : addressChange(registration, sender);
            if (moved.isPresent()) {
                return refuse(registration.getEndpoint(), sender, moved.get());
            }
            return check(registration.getEndpoint(), sender).map(reason -> refuse(registration.getEndpoint(),
                    sender, reason)).orElse(Authorization.approved());
        }
        // every other uplink request (Send, notifications) must come from the identity that registered
        if (registration.getClientTransportData().getIdentity().equals(sender.getIdentity())) {
            return Authorization.approved();
        }
        return refuse(registration.getEndpoint(), sender, "identity differs from the one that registered");
    }

    /**
     * A registration made without security that an Update or De-register from another address would move
     * (take over: the device's commands would go to the sender), when the policy refuses that. Checked at the
     * door (answered 4.03 there) and again here, where Leshan would answer 4.00.
     */
    public Optional<String> addressChange(Registration registration, LwM2mPeer sender) {
        if (!refuseNosecAddressChange || !(sender instanceof IpPeer ip)
                || !(registration.getClientTransportData() instanceof IpPeer registered)
                || registered.getIdentity() == null || registered.getIdentity().isSecure()
                || (sender.getIdentity() != null && sender.getIdentity().isSecure())
                || registered.getSocketAddress().equals(ip.getSocketAddress())) {
            return Optional.empty();
        }
        return Optional.of("the registration was made from " + address(registered) + " without security; a request"
                + " from another address is refused (gateway.lwm2m.security.nosec-address-change=refuse)");
    }

    private static String address(IpPeer peer) {
        return peer.getSocketAddress().getAddress().getHostAddress() + ":" + peer.getSocketAddress().getPort();
    }

    /** Why {@code sender} may not act as {@code endpoint}, or empty when it may. */
    public Optional<String> check(String endpoint, LwM2mPeer sender) {
        LwM2mIdentity identity = sender.getIdentity();
        Optional<DeviceCredentials> owner;
        if (identity instanceof PskIdentity psk) {
            owner = store.byPskIdentity(psk.getPskIdentity());
            if (owner.isEmpty()) {
                return Optional.of("PSK identity " + psk.getPskIdentity() + " has no credentials any more");
            }
        } else if (identity instanceof RpkIdentity rpk) {
            owner = store.byPublicKey(rpk.getPublicKey());
            if (owner.isEmpty()) {
                return Optional.of("raw public key " + describe(identity) + " belongs to no device");
            }
        } else if (identity instanceof X509Identity x509) {
            owner = store.byX509Subject(x509.getX509CommonName());
            if (owner.isEmpty()) {
                // a trusted certificate without an entry may use the endpoint named by its CN, unless that
                // endpoint was given other credentials
                Optional<DeviceCredentials> forEndpoint = store.byEndpoint(endpoint);
                if (x509.getX509CommonName().equals(endpoint) && forEndpoint.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of("certificate CN " + x509.getX509CommonName() + " is not "
                        + (forEndpoint.isPresent() ? "the credential of " : "") + endpoint);
            }
        } else {
            return store.byEndpoint(endpoint).map(c -> "endpoint " + endpoint + " requires "
                    + c.mode().toUpperCase(java.util.Locale.ROOT) + " over CoAPS, the device used no security");
        }
        String belongsTo = owner.get().endpoint();
        if (!belongsTo.equals(endpoint)) {
            return Optional.of("identity " + describe(identity) + " belongs to endpoint " + belongsTo);
        }
        return Optional.empty();
    }

    /**
     * Refuses; the first refusal of a source ({@code host:port}) per interval is logged and published as a
     * security event, the rest of a flood from it only logged at debug level and counted as suppressed.
     */
    public Authorization refuse(String endpoint, LwM2mPeer sender, String reason) {
        String identity = describe(sender.getIdentity());
        String address = sender instanceof IpPeer ip ? address(ip) : String.valueOf(sender);
        if (perSource.tryAcquire(address)) {
            LOG.warnf("refused %s from %s as endpoint %s: %s (more refusals of this source are counted in"
                    + " lwm2m_refusals_events_suppressed_total until the interval ends)", identity, address, endpoint,
                    reason);
            if (!endpoint.isEmpty()) {
                events.accept(new RegistrationRefused(clock.instant(), EndpointName.of(endpoint), identity, address,
                        reason));
            }
        } else {
            suppressed.increment();
            LOG.debugf("refused %s from %s as endpoint %s again: %s", identity, address, endpoint, reason);
        }
        return Authorization.declined();
    }

    /** Refusals of sources that had already been refused within the interval: not logged, not published. */
    public long suppressed() {
        return suppressed.sum();
    }

    /** {@code psk:<identity>}, {@code rpk:<first 8 bytes of the key's SHA-256>}, {@code x509:<CN>}, {@code none}. */
    static String describe(LwM2mIdentity identity) {
        if (identity instanceof PskIdentity psk) {
            return "psk:" + psk.getPskIdentity();
        } else if (identity instanceof RpkIdentity rpk) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(rpk.getPublicKey().getEncoded());
                return "rpk:" + HexFormat.of().formatHex(hash, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        } else if (identity instanceof X509Identity x509) {
            return "x509:" + x509.getX509CommonName();
        }
        return "none";
    }
}
