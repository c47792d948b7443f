package io.lwm2mgw.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwm2mgw.domain.firmware.CampaignStatus;
import io.lwm2mgw.firmware.CampaignFlow;
import io.lwm2mgw.northbound.CampaignCodec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/v1/campaigns}: firmware campaigns as the contract's status documents; a start takes the same
 * document as {@code lwm2m/campaigns/{id}/start}, a cancel is {@code POST .../{id}/cancel}. Both are handed to
 * the campaign flow like the MQTT and Kafka ones, and their statuses go out on the usual topics too.
 */
@Path("/api/v1/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "campaigns")
public class CampaignResource {

    /** How long a start or cancel waits to answer with the campaign's new status. */
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

    private final CampaignFlow campaigns;
    private final CampaignCodec codec;
    private final ObjectMapper mapper;
    private final Clock clock;

    public CampaignResource(CampaignFlow campaigns, ObjectMapper mapper, Clock clock) {
        this.campaigns = campaigns;
        this.codec = new CampaignCodec(mapper);
        this.mapper = mapper;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Every campaign the gateway knows, sorted by id")
    public CompletionStage<Response> list() {
        return statuses().thenApply(all -> {
            ObjectNode doc = mapper.createObjectNode();
            ArrayNode items = doc.putArray("items");
            all.stream().sorted(Comparator.comparing(CampaignStatus::id)).forEach(s -> items.add(codec.status(s)));
            return Response.ok(doc).build();
        });
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One campaign's status document")
    public CompletionStage<Response> one(@PathParam("id") String id) {
        return find(id).thenApply(status -> status.map(s -> Response.ok(codec.status(s)).build())
                .orElseGet(() -> ApiErrors.notFound("no campaign '" + id + "'")));
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Start a campaign: the start document of lwm2m/campaigns/{id}/start, with its id",
            description = "201 with the campaign's status once it runs; 202 with its id while its image is still "
                    + "being fetched; 200 with its status for an id already known (nothing changes); 400 with the "
                    + "invalid status document for a document that cannot start.")
    public CompletionStage<Response> start(byte[] body) {
        CampaignCodec.Decoded decoded = codec.decode(body == null ? new byte[0] : body, Optional.empty(),
                Optional.of("start"));
        if (!(decoded instanceof CampaignCodec.Decoded.Start start)) {
            CampaignCodec.Decoded.Rejected rejected = (CampaignCodec.Decoded.Rejected) decoded;
            return CompletableFuture.completedStage(Response.status(Response.Status.BAD_REQUEST)
                    .entity(codec.status(new CampaignStatus(rejected.id(), clock.instant(),
                            CampaignStatus.State.INVALID, Map.of(), Optional.of(rejected.error())))).build());
        }
        String id = start.spec().id();
        return find(id).thenCompose(known -> {
            campaigns.start(start.spec()); // a known id publishes its status again and changes nothing
            return known.isPresent() ? CompletableFuture.completedStage(Response.ok(codec.status(known.get())).build())
                    : started(id);
        });
    }

    private CompletionStage<Response> started(String id) {
        return waitFor(id, s -> true, deadline()).thenApply(status -> status
                .map(s -> Response.status(Response.Status.CREATED).header("Location", "/api/v1/campaigns/" + id)
                        .entity(codec.status(s)).build())
                .orElseGet(() -> {
                    ObjectNode doc = mapper.createObjectNode();
                    doc.put("id", id);
                    return Response.status(Response.Status.ACCEPTED).header("Location", "/api/v1/campaigns/" + id)
                            .entity(doc).build();
                }));
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Cancel a running campaign: devices not started yet are left out, running updates finish")
    public CompletionStage<Response> cancel(@PathParam("id") String id) {
        return find(id).thenCompose(known -> {
            if (known.isEmpty()) {
                return CompletableFuture.completedStage(ApiErrors.notFound("no campaign '" + id + "'"));
            }
            campaigns.cancel(id);
            return waitFor(id, s -> s.state().isFinal(), deadline()).thenApply(status -> Response
                    .ok(codec.status(status.orElse(known.get()))).build());
        });
    }

    private Instant deadline() {
        return clock.instant().plus(SETTLE);
    }

    private CompletionStage<List<CampaignStatus>> statuses() {
        return campaigns.statuses().toCompletableFuture().completeOnTimeout(List.of(), SETTLE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private CompletionStage<Optional<CampaignStatus>> find(String id) {
        return statuses().thenApply(all -> all.stream().filter(s -> s.id().equals(id)).findFirst());
    }

    /** The campaign's status once it satisfies {@code done}, or empty at the deadline; polls, never blocks. */
    private CompletionStage<Optional<CampaignStatus>> waitFor(String id, Predicate<CampaignStatus> done,
            Instant deadline) {
        return find(id).thenCompose(status -> {
            if (status.filter(done).isPresent() || !clock.instant().isBefore(deadline)) {
                return CompletableFuture.completedStage(status.filter(done));
            }
            return CompletableFuture.supplyAsync(() -> id,
                    CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> waitFor(id, done, deadline));
        });
    }
}
