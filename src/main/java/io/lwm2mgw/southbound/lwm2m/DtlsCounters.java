package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.southbound.lwm2m.cluster.ClusterCounters;
import org.eclipse.californium.scandium.DtlsClusterHealth;

/**
 * Scandium's health callbacks turned into {@link RefusalCounters}: a handshake flood, replayed or truncated
 * records and wrong epochs show as counters instead of silence; in a cluster, records that crossed between
 * replicas go to {@link ClusterCounters}. Called on DTLS connector threads; only increments.
 */
final class DtlsCounters implements DtlsClusterHealth {

    private final RefusalCounters counters;
    private final ClusterCounters cluster;

    DtlsCounters(RefusalCounters counters, ClusterCounters cluster) {
        this.counters = counters;
        this.cluster = cluster;
    }

    @Override
    public void forwardMessage() {
        cluster.countForwardedOut(true);
    }

    @Override
    public void processForwardedMessage() {
        cluster.countForwardedIn();
    }

    @Override
    public void backwardMessage() {
        cluster.countBackwardedOut(true);
    }

    @Override
    public void sendBackwardedMessage() {
        cluster.countBackwardedIn();
    }

    @Override
    public void dropForwardMessage() {
        cluster.countForwardedOut(false);
    }

    @Override
    public void dropBackwardMessage() {
        cluster.countBackwardedOut(false);
    }

    @Override
    public void badForwardMessage() {
        cluster.countRefused();
    }

    @Override
    public void badBackwardMessage() {
        cluster.countRefused();
    }

    @Override
    public void sendingClusterManagementMessage() {
        // heartbeats: the membership logs what matters
    }

    @Override
    public void receivingClusterManagementMessage() {
        // heartbeats
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
