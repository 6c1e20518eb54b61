package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
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

/** People's marks on the review queue. */
@Path("/api/v1/review-items")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "review")
public class ReviewItemResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    ReviewItemResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @POST
    @Path("/{itemId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
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
