package io.lwm2mgw.southbound.lwm2m;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.PskStore;
import org.eclipse.californium.scandium.util.ServerNames;
import org.jboss.logging.Logger;

/**
 * Leshan's PSK store for the CoAPS endpoint, which also says when a device offers a PSK identity no
 * credentials hold: Scandium then refuses the handshake and logs it at debug only, so an operator whose device
 * cannot connect would see nothing. One line per identity and {@code interval} (a device retrying every few
 * seconds must not flood the log).
 */
final class UnknownPskLog implements PskStore {

    private static final Logger LOG = Logger.getLogger(UnknownPskLog.class);
    /** Identities remembered for rate limiting; forgotten all at once beyond this (a flood of made-up ones). */
    private static final int REMEMBERED = 10_000;

    private final PskStore delegate;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();
    /** Refusals logged so far (the log line is the product; this makes it countable). */
    final java.util.concurrent.atomic.AtomicLong logged = new java.util.concurrent.atomic.AtomicLong();

    private final RefusalCounters refusals;

    UnknownPskLog(PskStore delegate, Duration interval, Clock clock) {
        this(delegate, interval, clock, new RefusalCounters());
    }

    /** Every refusal is counted in {@code refusals} (a refused handshake; a suppressed line when not logged). */
    UnknownPskLog(PskStore delegate, Duration interval, Clock clock, RefusalCounters refusals) {
        this.delegate = delegate;
        this.interval = interval;
        this.clock = clock;
        this.refusals = refusals;
    }

    @Override
    public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName,
            PskPublicInformation identity, String hmacAlgorithm, SecretKey otherSecret, byte[] seed,
            boolean useExtendedMasterSecret) {
        PskSecretResult result = delegate.requestPskSecretResult(cid, serverName, identity, hmacAlgorithm,
                otherSecret, seed, useExtendedMasterSecret);
        if (result != null && result.getSecret() == null) {
            refusals.handshakesRefused.increment();
            if (!unknown(identity.getPublicInfoAsString())) {
                refusals.logLinesSuppressed.increment();
            }
        }
        return result;
    }

    /** Logs the refusal unless the same identity was logged within the interval; true when it logged. */
    boolean unknown(String identity) {
        Instant now = clock.instant();
        Instant last = lastLogged.get(identity);
        if (last != null && last.plus(interval).isAfter(now)) {
            return false;
        }
        if (lastLogged.size() >= REMEMBERED) {
            lastLogged.clear();
        }
        lastLogged.put(identity, now);
        logged.incrementAndGet();
        LOG.warnf("refused a DTLS handshake: no credentials hold the PSK identity '%s' (logged again for it only"
                + " after %d s)", identity, interval.toSeconds());
        return true;
    }

    @Override
    public boolean hasEcdhePskSupported() {
        return delegate.hasEcdhePskSupported();
    }

    @Override
    public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
        return delegate.getIdentity(peerAddress, virtualHost);
    }

    @Override
    public void setResultHandler(HandshakeResultHandler resultHandler) {
        delegate.setResultHandler(resultHandler);
    }
}
