package io.lwm2mgw.api;

import io.lwm2mgw.domain.device.EndpointName;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One Server-Sent Events connection: a bounded queue and one send in flight. A send completes when the bytes
 * left for the socket; a client that does not read keeps its sends from completing, its queue fills, and it
 * is disconnected instead of holding events in memory.
 */
final class SseClient {

    private final SseEventSink sink;
    private final Sse sse;
    private final Optional<EndpointName> endpoint;
    private final ArrayBlockingQueue<OutboundSseEvent> queue;
    private final BiConsumer<SseClient, String> onClose;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    SseClient(SseEventSink sink, Sse sse, Optional<EndpointName> endpoint, int capacity,
            BiConsumer<SseClient, String> onClose) {
        this.sink = sink;
        this.sse = sse;
        this.endpoint = endpoint;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onClose = onClose;
    }

    Optional<EndpointName> endpoint() {
        return endpoint;
    }

    /** Queues one document; never blocks. A full queue disconnects the client. */
    void offer(String name, String json) {
        if (closed.get()) {
            return;
        }
        if (sink.isClosed()) {
            close("the client went away");
            return;
        }
        OutboundSseEvent event = sse.newEventBuilder().name(name).data(json).build();
        if (!queue.offer(event)) {
            close("it fell " + queue.size() + " documents behind");
            return;
        }
        pump();
    }

    private void pump() {
        while (!closed.get() && sending.compareAndSet(false, true)) {
            OutboundSseEvent next = queue.poll();
            if (next == null) {
                sending.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue; // something arrived after the poll and before the flag was cleared
            }
            java.util.concurrent.CompletionStage<?> sent;
            try {
                sent = sink.send(next);
            } catch (RuntimeException e) {
                // the connection closed between the check and the send
                close("sending failed: " + e.getMessage());
                return;
            }
            sent.whenComplete((ok, error) -> {
                sending.set(false);
                if (error != null) {
                    close("sending failed: " + error.getMessage());
                } else {
                    pump();
                }
            });
            return;
        }
    }

    void close(String why) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            try {
                sink.close();
            } catch (RuntimeException e) {
                // already gone
            }
            onClose.accept(this, why);
        }
    }
}
