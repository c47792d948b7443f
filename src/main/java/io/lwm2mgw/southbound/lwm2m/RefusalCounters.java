package io.lwm2mgw.southbound.lwm2m;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the southbound refused or held back, counted for the metrics (ops reads them as Prometheus
 * counters): DTLS handshakes that failed, DTLS records dropped, and security events and log lines
 * suppressed by the per-source throttles. Totals since start; thread-safe.
 */
public final class RefusalCounters {

    final LongAdder handshakesStarted = new LongAdder();
    final LongAdder handshakesFailed = new LongAdder();
    final LongAdder handshakesRefused = new LongAdder();
    final LongAdder recordsDropped = new LongAdder();
    final LongAdder macErrors = new LongAdder();
    final LongAdder eventsSuppressed = new LongAdder();
    final LongAdder logLinesSuppressed = new LongAdder();
    final LongAdder registrationsRefused = new LongAdder();

    /** DTLS handshakes begun by a peer (ClientHellos that got as far as a handshake). */
    public long handshakesStarted() {
        return handshakesStarted.sum();
    }

    /** DTLS handshakes Scandium ended without a session: bad Finished, timeout, an authorization refused. */
    public long handshakesFailed() {
        return handshakesFailed.sum();
    }

    /** DTLS handshakes refused because no credentials hold the PSK identity the peer offered. */
    public long handshakesRefused() {
        return handshakesRefused.sum();
    }

    /** DTLS records dropped on receipt: malformed, replayed, wrong epoch, no connection, bad MAC. */
    public long recordsDropped() {
        return recordsDropped.sum();
    }

    /** DTLS records whose MAC did not verify (a subset of the dropped ones). */
    public long macErrors() {
        return macErrors.sum();
    }

    /** Security events (refused registrations) not published because their source sent too many. */
    public long eventsSuppressed() {
        return eventsSuppressed.sum();
    }

    /** WARN lines about refused or malformed requests not written because their source sent too many. */
    public long logLinesSuppressed() {
        return logLinesSuppressed.sum();
    }

    /** Registrations refused at the door: limits, malformed parameters, caps, address changes. */
    public long registrationsRefused() {
        return registrationsRefused.sum();
    }
}
