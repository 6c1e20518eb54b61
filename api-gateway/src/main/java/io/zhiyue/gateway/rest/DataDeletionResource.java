package io.zhiyue.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

/**
 * Deletions of an answer, an upload or an exam across every service, and the records of deletions and erasures
 * (README "Data lifecycle"): admins only. grading-service runs them.
 */
@Path("/api/v1/deletions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data lifecycle")
public class DataDeletionResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    DataDeletionResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for a deletion {kind: submission|upload|exam, id}: 201 with what it would remove "
            + "(AWAITING_CONFIRMATION until expiresAt); nothing is removed before POST /{id}/confirm")
    public Uni<Response> request(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body,
            @Context UriInfo uri) {
        return relay.relay(grading.requestDeletion(caller.caller(), ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    @POST
    @Path("/{id}/confirm")
    @Operation(summary = "Confirm a deletion: it runs in every service; 202 IN_PROGRESS until each has confirmed; "
            + "409 once expired or while a job marks the exam")
    public Uni<Response> confirm(@PathParam("id") String id, @Context UriInfo uri) {
        return relay.relay(grading.confirmDeletion(caller.caller(), id, ForwardedQuery.of(uri)));
    }

    @Access(value = RouteClass.READS, audience = Audience.OPERATORS)
    @GET
    @Path("/{id}")
    @Operation(summary = "A deletion or erasure record: state, summary, each service's confirmation, the services "
            + "still to confirm")
    public Uni<Response> find(@PathParam("id") String id, @Context UriInfo uri) {
        return relay.relay(grading.deletion(caller.caller(), id, ForwardedQuery.of(uri)));
    }
}
