package io.zhiyue.saga.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.saga.model.Saga;
import io.zhiyue.saga.model.SagaAction;
import io.zhiyue.saga.model.SagaStart;
import io.zhiyue.saga.service.SagaCoordinator;
import io.zhiyue.saga.service.SagaViews;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.util.UUID;

/**
 * Sagas: services start them (internal), operators read them and act on parked ones (through the gateway). The
 * tenant comes from the gateway's header; the operator ({@code X-ZhiYue-Subject}) is recorded with every action.
 */
@Path("/api/v1/sagas")
@Produces(MediaType.APPLICATION_JSON)
public class SagaResource {

    private final SagaCoordinator coordinator;
    private final SagaViews views;

    SagaResource(SagaCoordinator coordinator, SagaViews views) {
        this.coordinator = coordinator;
        this.views = views;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a saga {definition, requestKey, data}: 202 with the saga (its first command is on its "
            + "way); the same requestKey again answers 200 with the saga it started")
    public Uni<Response> start(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, SagaStart body) {
        if (body == null) {
            throw ZhiyueException.validation("body", "is required: {definition, requestKey, data}");
        }
        return coordinator.start(TenantHeaders.required(tenant), body.definition(), body.requestKey(),
                        body.data(), subject == null || subject.isBlank() ? "service" : subject)
                .map(started -> Response.status(started.created() ? 202 : 200)
                        .location(URI.create("/api/v1/sagas/" + started.saga().id))
                        .entity(views.view(started.saga())).build());
    }

    @GET
    @Operation(summary = "Sagas, newest first: page, page_size (≤ 200), filter[state], filter[definition]")
    public Uni<PageResponse<Saga>> list(@HeaderParam(TenantHeaders.TENANT) String tenant, @Context UriInfo uri) {
        return views.list(TenantHeaders.required(tenant), uri.getQueryParameters());
    }

    @GET
    @Path("/{sagaId}")
    @Operation(summary = "A saga with every command attempt and every operator action")
    public Uni<Saga> get(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("sagaId") UUID sagaId) {
        return views.find(TenantHeaders.required(tenant), sagaId);
    }

    @POST
    @Path("/{sagaId}/cancel")
    @Operation(summary = "Cancel a running saga: it compensates once the command in flight is answered")
    public Uni<Saga> cancel(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("sagaId") UUID sagaId) {
        return coordinator.cancel(TenantHeaders.required(tenant), sagaId).map(views::view);
    }

    @POST
    @Path("/{sagaId}/actions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "An operator's action on a parked saga {action: retry|skip|resolve, step, reason}")
    public Uni<Saga> act(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("sagaId") UUID sagaId, SagaAction body) {
        if (body == null || body.action() == null || body.step() == null || body.reason() == null
                || body.reason().isBlank()) {
            throw ZhiyueException.validation("body", "is required: {action: retry|skip|resolve, step, reason}");
        }
        return coordinator.act(TenantHeaders.required(tenant), sagaId, body.action(), body.step(),
                body.reason().trim(), subject == null || subject.isBlank() ? "operator" : subject).map(views::view);
    }
}
