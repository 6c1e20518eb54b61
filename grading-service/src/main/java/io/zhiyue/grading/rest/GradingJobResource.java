package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.model.JobStatistics;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.ResultRepository;
import io.zhiyue.grading.service.GradingJobService;
import io.zhiyue.grading.service.ResultService;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.resteasy.reactive.RestMulti;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

@Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/grading-jobs")
@Produces(MediaType.APPLICATION_JSON)
public class GradingJobResource {

    private final GradingJobService jobs;
    private final ResultService results;

    public GradingJobResource(GradingJobService jobs, ResultService results) {
        this.jobs = jobs;
        this.results = results;
    }

    @GET
    @Path("/{jobId}")
    public Uni<GradingJob> get(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") UUID jobId) {
        return jobs.find(TenantHeaders.required(tenant), jobId);
    }

    @POST
    @Path("/{jobId}/start")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<GradingJob> start(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") UUID jobId) {
        return jobs.start(TenantHeaders.required(tenant), jobId);
    }

    @POST
    @Path("/{jobId}/pause")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<GradingJob> pause(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") UUID jobId) {
        return jobs.pause(TenantHeaders.required(tenant), jobId);
    }

    @POST
    @Path("/{jobId}/resume")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<GradingJob> resume(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") UUID jobId) {
        return jobs.resume(TenantHeaders.required(tenant), jobId);
    }

    @POST
    @Path("/{jobId}/cancel")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<GradingJob> cancel(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("jobId") UUID jobId) {
        return jobs.cancel(TenantHeaders.required(tenant), subject, jobId);
    }

    @GET
    @Path("/{jobId}/results")
    public Uni<Object> results(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") UUID jobId,
            @Context UriInfo uri) {
        ListQuery query = ListQuery.parse(uri.getRequestUri().getRawQuery(), ResultRepository.LIST_SPEC);
        return results.list(TenantHeaders.required(tenant), jobId, query).map(page -> FieldSelection.apply(page, query.fields()));
    }

    /** Streamed as it is read from the database (chunked), whatever the size of the job. */
    @GET
    @Path("/{jobId}/export")
    @Produces("text/csv; charset=UTF-8")
    public Multi<String> export(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") UUID jobId,
            @QueryParam("format") String format) {
        if (format != null && !"csv".equalsIgnoreCase(format)) {
            throw ZhiyueException.validation("format", "only format=csv is supported");
        }
        return RestMulti.fromMultiData(results.exportCsv(TenantHeaders.required(tenant), jobId))
                .header("Content-Disposition", "attachment; filename=\"job-" + jobId + "-results.csv\"")
                .build();
    }

    @GET
    @Path("/{jobId}/statistics")
    public Uni<JobStatistics> statistics(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("jobId") UUID jobId) {
        return results.statistics(TenantHeaders.required(tenant), jobId);
    }
}
