package io.lwm2mgw.api;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.EndpointName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The Server-Sent Events clients of {@code /api/v1/events}. Each has a bounded buffer of its own; a client
 * that lets it fill up is disconnected, so the gateway never waits for a slow reader. Offering never blocks.
 */
@ApplicationScoped
public class EventStream {

    private static final Logger LOG = Logger.getLogger(EventStream.class);

    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final int buffer;

    public EventStream(GatewayConfig config) {
        this.buffer = Math.max(1, config.http().api().sseBuffer());
    }

    /** Whether anyone listens (readings are encoded only then). */
    public boolean hasClients() {
        return !clients.isEmpty();
    }

    /** Adds a client that gets the documents of {@code endpoint}, or of every device. */
    void attach(SseEventSink sink, Sse sse, Optional<EndpointName> endpoint) {
        SseClient client = new SseClient(sink, sse, endpoint, buffer, this::detach);
        clients.add(client);
        LOG.debugf("event stream client attached (%s); %d clients", endpoint.map(EndpointName::value).orElse("all"),
                clients.size());
        client.offer("connected", "{}");
    }

    private void detach(SseClient client, String why) {
        if (clients.remove(client)) {
            LOG.infof("event stream client (%s) detached: %s", client.endpoint().map(EndpointName::value)
                    .orElse("all devices"), why);
        }
    }

    /** Offers one document to every client that wants this device's. */
    void offer(EndpointName endpoint, String name, String json) {
        for (SseClient client : clients) {
            if (client.endpoint().isEmpty() || client.endpoint().get().equals(endpoint)) {
                client.offer(name, json);
            }
        }
    }

    int clientCount() {
        return clients.size();
    }

    /**
     * As the gateway starts to stop (the shutdown delay begins, before HTTP waits for open requests): every
     * stream ends, so an open console does not hold the stop for {@code quarkus.shutdown.timeout}. Consoles
     * reconnect, to another gateway behind the Service once this one is not ready.
     */
    void stopping(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownDelayInitiatedEvent event) {
        closeAll();
    }

    /** Ends every stream (the gateway stops). */
    public void closeAll() {
        for (SseClient client : clients) {
            client.close("the gateway is stopping");
        }
    }
}
