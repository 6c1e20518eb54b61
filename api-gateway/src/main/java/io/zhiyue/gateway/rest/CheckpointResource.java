package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.CheckpointClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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

import java.util.UUID;

/**
 * Operator routes to checkpoint-service: a thread is a grading job, a namespace a stage
 * ({@code llm}, {@code embedding}, …). Ids that are no UUIDs are a 404 here and go nowhere.
 */
@Path("/api/v1/checkpoints")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "checkpoints")
public class CheckpointResource {

    private final CheckpointClient checkpoints;
    private final CallerContext caller;
    private final ResponseRelay relay;

    CheckpointResource(CheckpointClient checkpoints, CallerContext caller, ResponseRelay relay) {
        this.checkpoints = checkpoints;
        this.caller = caller;
        this.relay = relay;
    }

    @PUT
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Put a checkpoint {state, metadata?, parentId?}: 201, or 200 when that id is stored "
            + "already; kept as a delta from its parent when smaller")
    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    public Uni<Response> put(@PathParam("threadId") UUID threadId, @PathParam("namespace") String namespace,
            @PathParam("checkpointId") UUID checkpointId, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] body, @Context UriInfo uri) {
        return relay.relay(checkpoints.put(caller.caller(), threadId, namespace, checkpointId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)), ResponseRelay.CHECKPOINT);
    }

    @Access(value = RouteClass.READS, audience = Audience.OPERATORS)
    @GET
    @Path("/{threadId}/{namespace}/latest")
    @Operation(summary = "The thread's newest checkpoint in the namespace, with its state")
    public Uni<Response> latest(@PathParam("threadId") UUID threadId, @PathParam("namespace") String namespace,
            @Context UriInfo uri) {
        return relay.relay(checkpoints.latest(caller.caller(), threadId, namespace, ForwardedQuery.of(uri)),
                ResponseRelay.CHECKPOINT);
    }

    @GET
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @Operation(summary = "One checkpoint with its state, rebuilt and checked against its SHA-256 "
            + "(409 CHECKPOINT_CORRUPT naming it when it cannot be trusted)")
    @Access(value = RouteClass.READS, audience = Audience.OPERATORS)
    public Uni<Response> get(@PathParam("threadId") UUID threadId, @PathParam("namespace") String namespace,
            @PathParam("checkpointId") UUID checkpointId, @Context UriInfo uri) {
        return relay.relay(checkpoints.get(caller.caller(), threadId, namespace, checkpointId, ForwardedQuery.of(uri)),
                ResponseRelay.CHECKPOINT);
    }

    @GET
    @Path("/{threadId}/{namespace}")
    @Operation(summary = "Checkpoints newest first, without states: {items, pageSize, nextCursor}; page_size "
            + "(1..200), cursor or before (a checkpoint id), filter[metadata.<key>]=<value>")
    @Access(value = RouteClass.READS, audience = Audience.OPERATORS)
    public Uni<Response> list(@PathParam("threadId") UUID threadId, @PathParam("namespace") String namespace,
            @Context UriInfo uri) {
        return relay.relay(checkpoints.list(caller.caller(), threadId, namespace, ForwardedQuery.of(uri)),
                ResponseRelay.CHECKPOINT);
    }

    @POST
    @Path("/{threadId}/{namespace}/{checkpointId}/fork")
    @Operation(summary = "Fork {id?, metadata?}: a new checkpoint with this one's state and this one as its "
            + "parent; history is not rewritten")
    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    public Uni<Response> fork(@PathParam("threadId") UUID threadId, @PathParam("namespace") String namespace,
            @PathParam("checkpointId") UUID checkpointId, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] body, @Context UriInfo uri) {
        return relay.relay(checkpoints.fork(caller.caller(), threadId, namespace, checkpointId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)), ResponseRelay.CHECKPOINT);
    }

    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    @DELETE
    @Path("/{threadId}")
    @Operation(summary = "Delete every checkpoint of a thread, in every namespace")
    public Uni<Response> deleteThread(@PathParam("threadId") UUID threadId, @Context UriInfo uri) {
        return relay.relay(checkpoints.deleteThread(caller.caller(), threadId, ForwardedQuery.of(uri)),
                ResponseRelay.CHECKPOINT);
    }
}
