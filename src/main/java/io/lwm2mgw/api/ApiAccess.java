package io.lwm2mgw.api;

import io.lwm2mgw.config.GatewayConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Who may use the operator API and console. With {@code gateway.http.api.token} set, an API request must carry
 * {@code Authorization: Bearer <token>} (401 otherwise); without one, the API and console answer only requests
 * from the loopback interface (403 otherwise). With {@code gateway.http.api.enabled=false} neither exists (404).
 * Health ({@code /q/health}), metrics ({@code /q/metrics}) and the OpenAPI document stay open.
 */
@ApplicationScoped
public class ApiAccess {

    private static final Logger LOG = Logger.getLogger(ApiAccess.class);

    /** What a request gets. */
    enum Decision {
        PASS, NOT_FOUND, UNAUTHORIZED, FORBIDDEN
    }

    private final boolean enabled;
    private final Optional<byte[]> token;
    private final RefusalLog refusals = new RefusalLog();

    public ApiAccess(GatewayConfig config) {
        this.enabled = config.http().api().enabled();
        this.token = config.http().api().token().filter(t -> !t.isBlank())
                .map(t -> t.strip().getBytes(StandardCharsets.UTF_8));
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, 200);
        if (enabled) {
            LOG.infof("operator API on /api/v1 and console on /: %s", token.isPresent()
                    ? "bearer token required" : "loopback only (no gateway.http.api.token)");
        }
    }

    private void filter(RoutingContext context) {
        String path = context.normalizedPath();
        Decision decision = decide(path, context.request().getHeader(HttpHeaders.AUTHORIZATION),
                isLoopback(context.request().remoteAddress()));
        switch (decision) {
            case PASS -> context.next();
            case NOT_FOUND -> context.response().setStatusCode(404).end();
            case UNAUTHORIZED -> {
                refusals.log("no valid bearer token", context.request().remoteAddress());
                context.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"error\":\"a bearer token is required (Authorization: Bearer ...)\"}");
            }
            case FORBIDDEN -> {
                refusals.log("not from the loopback interface and no token configured",
                        context.request().remoteAddress());
                context.response().setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"error\":\"without gateway.http.api.token the API answers only on localhost\"}");
            }
        }
    }

    /** The rule, apart from Vert.x: {@code authorization} is the header as sent, or null. */
    Decision decide(String path, String authorization, boolean loopback) {
        boolean api = isApi(path);
        if (!api && !isConsole(path)) {
            return Decision.PASS;
        }
        if (!enabled) {
            return Decision.NOT_FOUND;
        }
        if (token.isEmpty()) {
            return loopback ? Decision.PASS : Decision.FORBIDDEN;
        }
        if (!api) {
            return Decision.PASS; // the console's files hold nothing secret; it asks for the token itself
        }
        return bearer(authorization).map(given -> MessageDigest.isEqual(given, token.get())).orElse(false)
                ? Decision.PASS : Decision.UNAUTHORIZED;
    }

    static boolean isApi(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    static boolean isConsole(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/console/");
    }

    private static Optional<byte[]> bearer(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isLoopback(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return false; // a Unix socket or an unknown peer: not known to be local
        }
        try {
            // an IP literal: no name lookup
            return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** One line per minute at most about refused requests, with how many there were. */
    private static final class RefusalLog {
        private long windowStart;
        private int refused;

        synchronized void log(String why, SocketAddress from) {
            long now = System.nanoTime();
            refused++;
            if (windowStart == 0 || now - windowStart > 60_000_000_000L) {
                LOG.warnf("operator API refused a request from %s: %s (%d refused since the last such line)",
                        from == null ? "?" : from.hostAddress(), why, refused);
                windowStart = now;
                refused = 0;
            }
        }
    }
}
