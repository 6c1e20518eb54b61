package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.audit.AuditLog;
import io.zhiyue.grading.repository.AuditLogRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.shared.api.QueryString;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's audit log (admins only: the gateway's rule), newest first unless {@code sort_order=asc};
 * {@code filter[action|actor|service|subjectType|subjectId]}, {@code page}, {@code page_size},
 * {@code cursor}, {@code fields}.
 */
@Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/audit-log")
@Produces(MediaType.APPLICATION_JSON)
public class AuditLogResource {

    private final AuditLog log;

    public AuditLogResource(AuditLog log) {
        this.log = log;
    }

    @GET
    public Uni<Object> list(@HeaderParam(TenantHeaders.TENANT) String tenant, @Context UriInfo uri) {
        Map<String, List<String>> params = new LinkedHashMap<>(QueryString.parse(uri.getRequestUri().getRawQuery()));
        params.putIfAbsent("sort_order", List.of("desc"));
        ListQuery query = ListQuery.parse(params, AuditLogRepository.LIST_SPEC);
        return log.list(TenantHeaders.required(tenant), query).map(page -> FieldSelection.apply(page, query.fields()));
    }
}
