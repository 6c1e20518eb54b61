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

/** One mark for every member of an answer group (a stored snapshot). */
@Path("/api/v1/answer-groups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "review")
public class AnswerGroupResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    AnswerGroupResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @POST
    @Path("/{groupId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mark exactly the group's members ({score, markerId, comment?}): teacher marks for later "
            + "jobs, and their open single-mark review items")
    @Access(value = RouteClass.MARKING, audience = Audience.MARKERS)
    public Uni<Response> mark(@PathParam("groupId") String groupId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.markAnswerGroup(caller.caller(), groupId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }
}
