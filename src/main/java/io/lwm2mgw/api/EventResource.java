package io.lwm2mgw.api;

import io.lwm2mgw.domain.device.EndpointName;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/events}: Server-Sent Events carrying the documents of the MQTT {@code events} topics (SSE
 * event {@code event}) and {@code data} topics (SSE event {@code data}), of one device with {@code ?endpoint=}.
 * The first SSE event, {@code connected}, says the stream is attached.
 */
@Path("/api/v1/events")
@Tag(name = "events")
public class EventResource {

    private final EventStream stream;

    public EventResource(EventStream stream) {
        this.stream = stream;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Live events and readings as Server-Sent Events, optionally of one endpoint")
    public void events(@QueryParam("endpoint") String endpoint, @Context SseEventSink sink, @Context Sse sse) {
        stream.attach(sink, sse, endpoint == null || endpoint.isEmpty() ? Optional.empty()
                : Optional.of(EndpointName.of(endpoint)));
    }
}
