package io.lwm2mgw.bench;

import java.util.concurrent.CompletableFuture;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MessageCallback;

/**
 * Scandium's callback for a raw ping the benchmarks send: fails {@code future} at once when the ping could not be
 * sent, and with {@code completeOnSent} completes it once the ping went out (which Scandium does only after the
 * handshake finished).
 */
record PingCallback(CompletableFuture<Void> future, boolean completeOnSent) implements MessageCallback {

    @Override
    public void onConnecting() {
    }

    @Override
    public void onDtlsRetransmission(int flight) {
    }

    @Override
    public void onContextEstablished(EndpointContext context) {
    }

    @Override
    public void onSent() {
        if (completeOnSent) {
            future.complete(null);
        }
    }

    @Override
    public void onError(Throwable error) {
        future.completeExceptionally(error);
    }
}
