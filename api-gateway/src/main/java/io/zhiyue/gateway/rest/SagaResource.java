package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.SagaClient;
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

import java.util.UUID;

/**
 * Operator routes to saga-service: the sagas of the caller's tenant, one with every command attempt, and actions
 * on a parked one. Ids that are no UUIDs are a 404 here and go nowhere.
 */
@Path("/api/v1/sagas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "sagas")
public class SagaResource {

    private final SagaClient sagas;
    private final CallerContext caller;
    private final ResponseRelay relay;

    SagaResource(SagaClient sagas, CallerContext caller, ResponseRelay relay) {
        this.sagas = sagas;
        this.caller = caller;
        this.relay = relay;
    }

    @GET
    @Operation(summary = "Sagas, newest first: {items, page, pageSize, total}; page, page_size (≤ 200), "
            + "filter[state], filter[definition]")
    @Access(value = RouteClass.READS, audience = Audience.OPERATORS)
    public Uni<Response> list(@Context UriInfo uri) {
        return relay.relay(sagas.list(caller.caller(), ForwardedQuery.of(uri)), ResponseRelay.SAGA);
    }

    @GET
    @Path("/{sagaId}")
    @Operation(summary = "A saga with every command attempt (outcome, error, duration, late replies) and every "
            + "operator action")
    @Access(value = RouteClass.READS, audience = Audience.SAGA_READERS)
    public Uni<Response> get(@PathParam("sagaId") UUID sagaId, @Context UriInfo uri) {
        return relay.relay(sagas.get(caller.caller(), sagaId, ForwardedQuery.of(uri)), ResponseRelay.SAGA);
    }

    @POST
    @Path("/{sagaId}/actions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "An operator's action on a PARKED saga {action: retry|skip|resolve, step, reason}, "
            + "recorded with who and why")
    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    public Uni<Response> act(@PathParam("sagaId") UUID sagaId, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] body, @Context UriInfo uri) {
        return relay.relay(sagas.act(caller.caller(), sagaId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)), ResponseRelay.SAGA);
    }

    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    @POST
    @Path("/{sagaId}/cancel")
    @Operation(summary = "Cancel a running saga: it compensates once the command in flight is answered")
    public Uni<Response> cancel(@PathParam("sagaId") UUID sagaId, @Context UriInfo uri) {
        return relay.relay(sagas.cancel(caller.caller(), sagaId, ForwardedQuery.of(uri)), ResponseRelay.SAGA);
    }
}
