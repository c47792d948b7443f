package io.lwm2mgw.southbound.lwm2m;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.MessageDeliverer;
import org.jboss.logging.Logger;

/**
 * Checks Register and Update requests before Leshan sees them: the limits of {@link RegistrationLimits}
 * (size and number of links, registrations per address, total), and the parameters, so that a malformed one
 * is answered 4.00 with a diagnostic (Leshan would answer 5.00 to a lifetime that is not a number). A refusal
 * is logged in one line, once per source ({@code host:port}) and interval; the rest of a flood from that
 * source is counted ({@link RefusalCounters}). Everything else is delivered unchanged.
 */
final class RegistrationGuard implements MessageDeliverer {

    private static final Logger LOG = Logger.getLogger(RegistrationGuard.class);

    private final MessageDeliverer delegate;
    private final RegistrationLimits limits;
    private final RefusalCounters refusals;
    private final io.lwm2mgw.southbound.lwm2m.security.SourceThrottle logged;

    private final java.util.function.Function<String, org.eclipse.leshan.server.registration.Registration> byId;
    private final io.lwm2mgw.southbound.lwm2m.security.EndpointAuthorizer authorizer;

    /**
     * @param byId the registration of a location ({@code /rd/{id}}), null when there is none
     * @param authorizer decides whether a plain registration may move to the address of an Update
     */
    RegistrationGuard(MessageDeliverer delegate, RegistrationLimits limits, RefusalCounters refusals,
            java.time.Duration logInterval, java.time.Clock clock,
            java.util.function.Function<String, org.eclipse.leshan.server.registration.Registration> byId,
            io.lwm2mgw.southbound.lwm2m.security.EndpointAuthorizer authorizer) {
        this.delegate = delegate;
        this.byId = byId;
        this.authorizer = authorizer;
        this.limits = limits;
        this.refusals = refusals;
        this.logged = new io.lwm2mgw.southbound.lwm2m.security.SourceThrottle(1, logInterval, clock, 10_000);
    }

    @Override
    public void deliverRequest(Exchange exchange) {
        Request request = exchange.getRequest();
        String path = request.getOptions().getUriPathString();
        if (path.startsWith("rd/") && (request.getCode() == CoAP.Code.POST || request.getCode() == CoAP.Code.DELETE)
                && movesPlainRegistration(exchange, path.substring(3))) {
            return;
        }
        if (request.getCode() == CoAP.Code.POST && (path.equals("rd") || path.startsWith("rd/"))) {
            boolean register = path.equals("rd");
            Optional<String> problem = notUtf8(request.getOptions().getUriQuery())
                    .or(() -> problem(request.getOptions().getUriQueryStrings(), register));
            Optional<Response> refusal = problem.map(p -> {
                Response response = new Response(CoAP.ResponseCode.BAD_REQUEST);
                response.setPayload(p);
                response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
                return response;
            }).or(() -> limits.check(request, register, endpoint(request.getOptions().getUriQueryStrings())));
            if (refusal.isPresent()) {
                refuse(exchange, refusal.get());
                return;
            }
            if (path.equals("rd")) {
                normalizeVersion(request);
            }
        }
        delegate.deliverRequest(exchange);
    }

    /**
     * An Update or De-register without DTLS from another address than the registration's, refused by policy:
     * answered 4.03 (and published as a security event by the authorizer). True when refused.
     */
    private boolean movesPlainRegistration(Exchange exchange, String registrationId) {
        Request request = exchange.getRequest();
        if (request.getSourceContext().getPeerIdentity() != null) {
            return false; // DTLS: the identity proves the device, Leshan's checks apply
        }
        org.eclipse.leshan.server.registration.Registration registration = byId.apply(registrationId);
        if (registration == null) {
            return false;
        }
        java.net.InetSocketAddress source = request.getSourceContext().getPeerAddress();
        var sender = new org.eclipse.leshan.core.peer.IpPeer(source,
                new org.eclipse.leshan.core.peer.SocketIdentity(source));
        Optional<String> reason = authorizer.addressChange(registration, sender);
        if (reason.isEmpty()) {
            return false;
        }
        refusals.registrationsRefused.increment();
        authorizer.refuse(registration.getEndpoint(), sender, reason.get());
        Response response = new Response(CoAP.ResponseCode.FORBIDDEN);
        response.setPayload("a registration made without security is only updated from its own address");
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        exchange.sendResponse(response);
        return true;
    }

    /** Answers the refusal; logs it unless this source was logged within the interval (then counts it). */
    private void refuse(Exchange exchange, Response response) {
        refusals.registrationsRefused.increment();
        java.net.InetSocketAddress source = exchange.getRequest().getSourceContext().getPeerAddress();
        String from = source.getAddress().getHostAddress() + ":" + source.getPort();
        if (logged.tryAcquire(from)) {
            LOG.warnf("refused registration request from %s with %s: %s (more from this source are counted in"
                    + " lwm2m_refusals_logs_suppressed_total)", from, response.getCode(), response.getPayloadString());
        } else {
            refusals.logLinesSuppressed.increment();
        }
        exchange.sendResponse(response);
    }

    private static String endpoint(List<String> query) {
        for (String param : query) {
            if (param.startsWith("ep=")) {
                return param.substring(3);
            }
        }
        return null;
    }

    /**
     * Devices in the field omit the mandatory version (older 1.0 firmware) or quote it; both register as what
     * they mean instead of being refused: no version is 1.0, {@code "1.1"} is 1.1.
     */
    private static void normalizeVersion(Request request) {
        List<String> query = new ArrayList<>(request.getOptions().getUriQueryStrings());
        boolean hasVersion = false;
        boolean quoted = false;
        for (String param : query) {
            if (param.startsWith("lwm2m=")) {
                hasVersion = true;
                quoted = param.length() > 8 && param.charAt(6) == '"' && param.endsWith("\"");
            }
        }
        if (hasVersion && !quoted) {
            return;
        }
        request.getOptions().clearUriQuery();
        for (String param : query) {
            if (param.startsWith("lwm2m=")) {
                param = "lwm2m=" + param.substring(7, param.length() - 1);
            }
            request.getOptions().addUriQuery(param);
        }
        if (!hasVersion) {
            request.getOptions().addUriQuery("lwm2m=1.0");
        }
    }

    /**
     * A query parameter whose bytes are not well-formed UTF-8 (RFC 7252 section 5.10.1 requires it): Californium
     * would decode it lossily, so {@code coll\xff} and {@code coll\xfe} would both become {@code coll\ufffd},
     * one name for two devices.
     */
    static Optional<String> notUtf8(List<org.eclipse.californium.core.coap.option.StringOption> query) {
        for (var option : query) {
            try {
                java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(option.getValue()));
            } catch (java.nio.charset.CharacterCodingException e) {
                String value = option.getStringValue();
                int eq = value.indexOf('=');
                String key = eq < 0 ? value : value.substring(0, eq);
                return Optional.of((key.equals("ep") ? "endpoint name (ep)" : "query parameter '" + printable(key)
                        + "'") + " is not UTF-8");
            }
        }
        return Optional.empty();
    }

    /** The key as a log line may show it: the replacement character and control characters as '?'. */
    private static String printable(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length() && i < 40; i++) {
            char c = key.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || c == '\ufffd' ? '?' : c);
        }
        return sb.toString();
    }

    /** The parameters of the registration interface that must not be given twice (which one would count?). */
    private static final List<String> SINGLE = List.of("ep", "lt", "lwm2m", "b", "sms", "Q");

    /** The MQTT topic level of campaigns ({@code lwm2m/campaigns/...}); no device may take it as its name. */
    static final String RESERVED_ENDPOINT = "campaigns";

    /**
     * The first problem with the parameters of a Register ({@code register} true) or Update request, if any.
     * Runs for every registration: plain loops, no streams or regular expressions on the way.
     */
    static Optional<String> problem(List<String> query, boolean register) {
        if (register && !hasEndpoint(query)) {
            return Optional.of("endpoint name (ep) is missing");
        }
        if (register && query.contains("ep=" + RESERVED_ENDPOINT)) {
            return Optional.of("endpoint name '" + RESERVED_ENDPOINT + "' is reserved for firmware campaigns");
        }
        boolean[] seen = new boolean[SINGLE.size()];
        for (String param : query) {
            int eq = param.indexOf('=');
            String key = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            Optional<String> malformed = malformed(key, value);
            if (malformed.isPresent()) {
                return malformed;
            }
            int single = SINGLE.indexOf(key);
            if (single >= 0) {
                if (seen[single]) {
                    return Optional.of((key.equals("ep") ? "endpoint name (ep)" : "parameter '" + key + "'")
                            + " is given more than once");
                }
                seen[single] = true;
            }
        }
        return Optional.empty();
    }

    /** What is wrong with the value of one parameter, if anything. */
    private static Optional<String> malformed(String key, String value) {
        switch (key) {
            case "ep":
                if (value.isEmpty()) {
                    return Optional.of("endpoint name (ep) is empty");
                }
                if (hasControlCharacter(value)) {
                    // a NUL or other control character cannot be carried in MQTT 5 strings or shown in logs
                    return Optional.of("endpoint name (ep) contains a control character");
                }
                break;
            case "lt":
                if (!isLifetime(value)) {
                    return Optional.of("lifetime (lt) '" + value + "' is not a number of seconds");
                }
                if (Long.parseLong(value) == 0) {
                    // a registration that expires at once: the expiry sweep would race the device's update
                    return Optional.of("lifetime (lt) '" + value + "' must be at least 1 second");
                }
                break;
            case "lwm2m":
                String unquoted = value.length() > 2 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1) : value;
                if (!isVersion(unquoted)) {
                    return Optional.of("LwM2M version (lwm2m) '" + value + "' is not of the form major.minor");
                }
                break;
            case "b":
                if (!isBinding(value)) {
                    return Optional.of("binding (b) '" + value + "' has letters other than U, S, Q, T, N");
                }
                break;
            default:
                break;
        }
        return Optional.empty();
    }

    private static boolean isLifetime(String value) {
        if (value.isEmpty() || value.length() > 10 || !digits(value, 0, value.length())) {
            return false;
        }
        return Long.parseLong(value) <= 0xFFFFFFFFL;
    }

    private static boolean hasEndpoint(List<String> query) {
        for (String param : query) {
            if (param.startsWith("ep=")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** {@code major.minor}, each 1 to 3 digits. */
    static boolean isVersion(String value) {
        int dot = value.indexOf('.');
        return dot >= 1 && dot <= 3 && value.length() - dot - 1 >= 1 && value.length() - dot - 1 <= 3
                && digits(value, 0, dot) && digits(value, dot + 1, value.length());
    }

    /** One or more of the binding letters U, S, Q, T, N. */
    static boolean isBinding(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if ("USQTN".indexOf(value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void deliverResponse(Exchange exchange, Response response) {
        delegate.deliverResponse(exchange, response);
    }
}
