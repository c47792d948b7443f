package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.config.Lwm2mConfig;
import io.lwm2mgw.southbound.lwm2m.security.SourceThrottle;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;

/**
 * The limits of {@code gateway.lwm2m.limits}, checked on a Register or Update before anything is parsed:
 * the link payload's size (4.13 with Size1) and number of links (4.00), Register requests per source address
 * and window (4.29 with Max-Age), and the total of registrations (5.03 with Max-Age for a new endpoint).
 * Thread-safe; runs on protocol threads, so every check is a counter or a scan of the payload.
 */
final class RegistrationLimits {

    /** Sources whose Register count is remembered; the least recently seen are forgotten beyond it. */
    private static final int REMEMBERED_SOURCES = 100_000;

    private final Lwm2mConfig.LimitsConfig limits;
    private final IntSupplier registrations;
    private final Predicate<String> knownEndpoint;
    private final SourceThrottle perAddress;

    /**
     * @param registrations how many registrations the gateway holds now
     * @param knownEndpoint whether an endpoint is registered (its re-registration does not add one)
     */
    RegistrationLimits(Lwm2mConfig.LimitsConfig limits, IntSupplier registrations, Predicate<String> knownEndpoint,
            Clock clock) {
        this.limits = limits;
        this.registrations = registrations;
        this.knownEndpoint = knownEndpoint;
        this.perAddress = new SourceThrottle(limits.registrationsPerAddress(), limits.registrationWindow(), clock,
                REMEMBERED_SOURCES);
    }

    /** The refusal for a Register ({@code register}) or Update, or empty when it is within every limit. */
    Optional<Response> check(Request request, boolean register, String endpoint) {
        int bytes = request.getPayloadSize();
        if (bytes > limits.maxLinkBytes()) {
            return Optional.of(tooLarge(limits.maxLinkBytes()));
        }
        int links = links(request.getPayload());
        if (links > limits.maxLinks()) {
            return Optional.of(refusal(CoAP.ResponseCode.BAD_REQUEST, links + " links, more than the "
                    + limits.maxLinks() + " allowed (gateway.lwm2m.limits.max-links)"));
        }
        if (!register) {
            return Optional.empty();
        }
        InetSocketAddress source = request.getSourceContext().getPeerAddress();
        if (!perAddress.tryAcquire(source.getAddress().getHostAddress())) {
            Response response = refusal(CoAP.ResponseCode.TOO_MANY_REQUESTS, "more than "
                    + limits.registrationsPerAddress() + " registrations from " + source.getAddress().getHostAddress()
                    + " within " + limits.registrationWindow().toSeconds() + " s");
            response.getOptions().setMaxAge(Math.max(1, limits.registrationWindow().toSeconds()));
            return Optional.of(response);
        }
        if (registrations.getAsInt() >= limits.maxRegistrations() && (endpoint == null
                || !knownEndpoint.test(endpoint))) {
            Response response = refusal(CoAP.ResponseCode.SERVICE_UNAVAILABLE, "the gateway holds its maximum of "
                    + limits.maxRegistrations() + " registrations");
            response.getOptions().setMaxAge(60);
            return Optional.of(response);
        }
        return Optional.empty();
    }

    /**
     * A Block1 transfer to the registration interface whose blocks go beyond {@code maxLinkBytes}: refused on
     * the first such block, before the blockwise layer assembles megabytes of links in memory.
     */
    static Optional<Response> blockBeyond(Request request, int maxLinkBytes) {
        var block1 = request.getOptions().getBlock1();
        if (block1 == null || !isRegistration(request)) {
            return Optional.empty();
        }
        long end = ((long) block1.getNum() + 1) * block1.getSize();
        boolean declared = request.getOptions().hasSize1() && request.getOptions().getSize1() > maxLinkBytes;
        return end > maxLinkBytes || declared ? Optional.of(tooLarge(maxLinkBytes)) : Optional.empty();
    }

    static boolean isRegistration(Request request) {
        if (request.getCode() != CoAP.Code.POST) {
            return false;
        }
        String path = request.getOptions().getUriPathString();
        return path.equals("rd") || (path.startsWith("rd/") && path.indexOf('/', 3) < 0);
    }

    private static Response tooLarge(int max) {
        Response response = refusal(CoAP.ResponseCode.REQUEST_ENTITY_TOO_LARGE, "links larger than " + max
                + " bytes (gateway.lwm2m.limits.max-link-bytes)");
        response.getOptions().setSize1(max);
        return response;
    }

    private static Response refusal(CoAP.ResponseCode code, String diagnostic) {
        Response response = new Response(code);
        response.setPayload(diagnostic);
        response.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
        return response;
    }

    /** Links in a CoRE link-format payload: the {@code <} that open a target, outside quoted values. */
    static int links(byte[] payload) {
        int links = 0;
        boolean quoted = false;
        for (byte b : payload) {
            if (b == '"') {
                quoted = !quoted;
            } else if (b == '<' && !quoted) {
                links++;
            }
        }
        return links;
    }
}
