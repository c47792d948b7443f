package io.lwm2mgw.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/v1/devices}: the registered devices, as their status documents, and one device's page. */
@Path("/api/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "devices")
public class DeviceResource {

    private final DevicePort devices;
    private final DeviceDocuments documents;
    private final ObjectMapper mapper;

    public DeviceResource(DevicePort devices, DeviceDocuments documents, ObjectMapper mapper) {
        this.devices = devices;
        this.documents = documents;
        this.mapper = mapper;
    }

    @GET
    @Operation(summary = "Registered devices, sorted by endpoint, filtered and paged",
            description = "Each item is the device's status document. state: registered, awake or sleeping; "
                    + "queueMode: true or false; object: has an instance of this object id; endpoint: a prefix, "
                    + "or a glob with * and ?; limit: 1..1000 (default 100); cursor: nextCursor of the page before.")
    public Response list(@QueryParam("state") String state, @QueryParam("queueMode") String queueMode,
            @QueryParam("object") String object, @QueryParam("endpoint") String endpoint,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        DeviceQuery query;
        try {
            query = DeviceQuery.parse(state, queueMode, object, endpoint, limit, cursor);
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage());
        }
        DeviceQuery.Page page = query.apply(devices.registeredStatuses());
        ObjectNode doc = mapper.createObjectNode();
        ArrayNode items = doc.putArray("items");
        page.items().forEach(status -> items.add(documents.status(status)));
        page.nextCursor().ifPresentOrElse(c -> doc.put("nextCursor", c), () -> doc.putNull("nextCursor"));
        return Response.ok(doc).build();
    }

    @GET
    @Path("/{ep}")
    @Operation(summary = "One device: its status document, object instances named by the models, the last value "
            + "of each observed path with its time, its last firmware progress and recent events")
    public Response one(@PathParam("ep") String endpoint) {
        Optional<DeviceStatus> status = find(devices, endpoint);
        if (status.isEmpty()) {
            return ApiErrors.notFound("no registered device '" + endpoint + "'");
        }
        return Response.ok(documents.detail(status.get())).build();
    }

    static Optional<DeviceStatus> find(DevicePort devices, String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            return Optional.empty();
        }
        EndpointName name = EndpointName.of(endpoint);
        return devices.registeredStatuses().stream().filter(s -> s.endpoint().equals(name)).findFirst();
    }
}
