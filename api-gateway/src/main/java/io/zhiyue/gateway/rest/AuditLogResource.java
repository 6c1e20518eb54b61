package io.zhiyue.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The tenant's audit log, kept by grading-service for every service: admins only. */
@Path("/api/v1/audit-log")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public class AuditLogResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    AuditLogResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @Access(value = RouteClass.READS, audience = Audience.OPERATORS)
    @GET
    @Operation(summary = "Who changed what, newest first: rubrics, marking settings, marker allocation, jobs, "
            + "overrides, releases (filter[action|actor|service|subjectType|subjectId], page, page_size, cursor, "
            + "sort_order, fields)")
    public Uni<Response> list(@Context UriInfo uri) {
        return relay.relay(grading.auditLog(caller.caller(), ForwardedQuery.of(uri)));
    }
}
