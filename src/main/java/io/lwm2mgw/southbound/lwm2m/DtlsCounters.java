package io.lwm2mgw.southbound.lwm2m;

import org.eclipse.californium.scandium.DtlsHealth;

/**
 * Scandium's health callbacks turned into {@link RefusalCounters}: a handshake flood, replayed or truncated
 * records and wrong epochs show as counters instead of silence. Called on DTLS connector threads; only
 * increments.
 */
final class DtlsCounters implements DtlsHealth {

    private final RefusalCounters counters;

    DtlsCounters(RefusalCounters counters) {
        this.counters = counters;
    }

    @Override
    public void dump() {
        // figures go to the metrics, not to the log
    }

    @Override
    public boolean isEnabled() {
        return true;
    }

    @Override
    public void startHandshake() {
        counters.handshakesStarted.increment();
    }

    @Override
    public void endHandshake(boolean success) {
        if (!success) {
            counters.handshakesFailed.increment();
        }
    }

    @Override
    public void receivingRecord(boolean dropped) {
        if (dropped) {
            counters.recordsDropped.increment();
        }
    }

    @Override
    public void sendingRecord(boolean dropped) {
        // outgoing records are ours
    }

    @Override
    public void setMaxConnections(int maxConnections) {
        // configured: gateway.lwm2m.security.dtls.max-connections
    }

    @Override
    public void setConnections(int connections) {
        // not a refusal
    }

    @Override
    public void receivingMacError() {
        counters.macErrors.increment();
    }

    @Override
    public void setPendingIncomingJobs(int count) {
        // not a refusal
    }

    @Override
    public void setPendingOutgoingJobs(int count) {
        // not a refusal
    }

    @Override
    public void setPendingHandshakeJobs(int count) {
        // not a refusal
    }

    @Override
    public void applicationAuthorizationRejected(boolean rejected) {
        if (rejected) {
            counters.handshakesFailed.increment();
        }
    }
}
