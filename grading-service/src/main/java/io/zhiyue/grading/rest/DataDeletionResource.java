package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.DataDeletion;
import io.zhiyue.grading.service.DataDeletions;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Deletions of an answer, an upload or an exam across every service, asked for and then confirmed; and the
 * records of deletions and erasures (README "Data lifecycle").
 */
@Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/deletions")
@Produces(MediaType.APPLICATION_JSON)
public class DataDeletionResource {

    private final DataDeletions deletions;

    public DataDeletionResource(DataDeletions deletions) {
        this.deletions = deletions;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask for a deletion {kind: submission|upload|exam, id}: 201 with what it would remove, "
            + "AWAITING_CONFIRMATION until expiresAt; nothing is removed before POST /{id}/confirm")
    public Uni<Response> request(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, DataDeletion.Request request) {
        return deletions.request(TenantHeaders.required(tenant), subject, request)
                .map(view -> Response.created(location(view)).entity(view).build());
    }

    @POST
    @Path("/{id}/confirm")
    @Operation(summary = "Confirm a deletion: this service's data goes now and every other service removes its "
            + "own; 202 IN_PROGRESS until every service has confirmed; 409 once expired or while a job marks the exam")
    public Uni<Response> confirm(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("id") UUID id) {
        return deletions.confirm(TenantHeaders.required(tenant), subject, id).map(DataDeletionResource::accepted);
    }

    @GET
    @Path("/{id}")
    @Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
    @Operation(summary = "A deletion or erasure record: its state, summary, and each service's confirmation")
    public Uni<DataDeletion.View> find(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("id") UUID id) {
        return deletions.find(TenantHeaders.required(tenant), id);
    }

    /** 202 with the record and its Location (200 once it is complete). */
    static Response accepted(DataDeletion.View view) {
        return Response.status("COMPLETED".equals(view.state()) ? 200 : 202).location(location(view)).entity(view)
                .build();
    }

    private static URI location(DataDeletion.View view) {
        return URI.create("/api/v1/deletions/" + view.id());
    }
}
