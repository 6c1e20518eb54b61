package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.client.GradingStreams;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.UUID;

/**
 * People's marks on the review queue, and what a marker sees beside an item: the nearest marked exemplars and the
 * LLM's explanation (relayed as {@link SubmissionResource} relays a submission's; no @Produces on the class, so the
 * stream keeps the type it comes with).
 */
@Path("/api/v1/review-items")
@Tag(name = "review")
public class ReviewItemResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;
    private final GradingStreams streams;

    ReviewItemResource(GradingClient grading, CallerContext caller, ResponseRelay relay, GradingStreams streams) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
        this.streams = streams;
    }

    @GET
    @Path("/{itemId}/exemplars")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The teacher-marked answers most like the item's, with their scores, most similar first "
            + "(none for a blind item)")
    @Access(value = RouteClass.READS, audience = Audience.MARKERS)
    public Uni<Response> exemplars(@PathParam("itemId") String itemId, @Context UriInfo uri) {
        return relay.relay(grading.reviewItemExemplars(caller.caller(), itemId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{itemId}/explanation")
    @Operation(summary = "The LLM's explanation of the item's proposal, streamed as server-sent events like a "
            + "submission's (404 for a blind item)")
    @Access(value = RouteClass.STREAMS, audience = Audience.MARKERS)
    public RestMulti<byte[]> explanation(@PathParam("itemId") UUID itemId) {
        return relay.relayStream(streams.openReviewItemExplanation(caller.caller(), itemId));
    }

    @POST
    @Path("/{itemId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark a review item ({score, markerId, chief?, reason?}); double marking and arbitration "
            + "follow DESIGN.md. On a COMPLETED job a mark that changes the score is the first step of the "
            + "score-override saga (its sagaId in the answer), which takes it to the cache and the student")
    @Access(value = RouteClass.MARKING, audience = Audience.MARKERS)
    public Uni<Response> mark(@PathParam("itemId") String itemId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.markReviewItem(caller.caller(), itemId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }
}
