package io.lwm2mgw.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.CommandCodec;
import io.lwm2mgw.northbound.ResultCodec;
import io.lwm2mgw.ops.CommandLogContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * {@code POST /api/v1/devices/{ep}/commands/{op}}: the command document of the MQTT contract, validated by the
 * same codec and run by the same router (lane, ledger, one result, also published on the usual topics). The
 * answer is the final result document once the brokers have it: 200, or 400 for an {@code invalid} one. A
 * request waits up to the command's timeout (plus {@code gateway.http.api.result-grace}); past that, and with
 * {@code ?wait=false} at once, it gets 202 with the command's id (and its {@code queued} result, if any).
 */
@Path("/api/v1/devices/{ep}/commands/{op}")
@Tag(name = "commands")
public class CommandResource {

    private static final Logger LOG = Logger.getLogger(CommandResource.class);

    private final CommandRouter router;
    private final CommandCodec codec;
    private final ResultCodec results;
    private final ObjectMapper mapper;
    private final Duration grace;
    private final Clock clock;

    public CommandResource(CommandRouter router, ObjectMapper mapper, GatewayConfig config, Clock clock) {
        this.router = router;
        this.codec = CommandCodec.of(mapper, config);
        this.results = new ResultCodec(mapper, config.id());
        this.mapper = mapper;
        this.grace = config.http().api().resultGrace();
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    // submitting may touch the ledger and the lanes' locks: not on the event loop; the wait itself holds no thread
    @io.smallrye.common.annotation.Blocking
    @Operation(summary = "Run a command: the same document as on lwm2m/{ep}/commands/{op}; answers its final result")
    public CompletionStage<Response> run(@PathParam("ep") String endpoint, @PathParam("op") String op,
            @QueryParam("wait") @DefaultValue("true") boolean wait, byte[] body) {
        CommandCodec.Decoded decoded = codec.decode(body == null ? new byte[0] : body,
                Optional.of(EndpointName.of(endpoint)), Optional.of(op), Optional.empty(), clock.instant());
        if (decoded instanceof CommandCodec.Decoded.Rejected rejected) {
            try (CommandLogContext ignored = CommandLogContext.of(rejected.result())) {
                router.reject(rejected.result(), io.lwm2mgw.command.CommandContext.none());
            }
            return java.util.concurrent.CompletableFuture.completedStage(answer(rejected.result()));
        }
        CommandRequest request = ((CommandCodec.Decoded.Accepted) decoded).request();
        HttpCommandContext context = new HttpCommandContext();
        try (CommandLogContext ignored = CommandLogContext.of(request)) {
            LOG.debugf("command %s (%s) for %s arrived over HTTP", request.id(), op, endpoint);
            router.submit(request, context);
        }
        if (!wait) {
            return java.util.concurrent.CompletableFuture.completedStage(accepted(request, op, Optional.empty()));
        }
        long waitMillis = request.timeout().plus(grace).toMillis();
        return context.finalResult()
                .completeOnTimeout(Optional.empty(), waitMillis, TimeUnit.MILLISECONDS)
                .thenApply(result -> result.map(this::answer)
                        .orElseGet(() -> accepted(request, op, context.queued())));
    }

    private Response answer(CommandResult result) {
        byte[] json = results.encode(result).payload();
        int status = result.status() == CommandStatus.INVALID ? 400 : 200;
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(json).build();
    }

    /** 202: the command runs on; its result goes to the usual topics. */
    private Response accepted(CommandRequest request, String op, Optional<CommandResult> queued) {
        ObjectNode doc;
        if (queued.isPresent()) {
            try {
                doc = (ObjectNode) mapper.readTree(results.encode(queued.get()).payload());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            doc = mapper.createObjectNode();
            doc.put("id", request.id());
            doc.put("endpoint", request.endpoint().value());
            doc.put("op", op);
        }
        return Response.status(Response.Status.ACCEPTED).type(MediaType.APPLICATION_JSON_TYPE).entity(doc).build();
    }
}
