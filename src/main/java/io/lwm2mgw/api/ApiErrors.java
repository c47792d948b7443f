package io.lwm2mgw.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The API's error answers: {@code {"error": "..."}} with the status that says whose mistake it is. */
final class ApiErrors {

    private ApiErrors() {
    }

    static Response badRequest(String error) {
        return of(Response.Status.BAD_REQUEST, error);
    }

    static Response notFound(String error) {
        return of(Response.Status.NOT_FOUND, error);
    }

    static Response of(Response.Status status, String error) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("error", error);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(doc).build();
    }
}
