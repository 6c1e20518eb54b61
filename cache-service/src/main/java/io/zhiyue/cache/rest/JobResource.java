package io.zhiyue.cache.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.cache.jobs.JobReadModel;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.UUID;

/**
 * The job read model, for the gateway (internal: the tenant comes from the gateway's header); a
 * read answers {@code X-Cache-Source: local|redis|postgres}.
 */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    private final JobReadModel jobs;

    JobResource(JobReadModel jobs) {
        this.jobs = jobs;
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "A grading job as grading-service last announced it; with minVersion, at least that version "
            + "(waits up to 300 ms); 404 when the read model has not seen it (ask grading-service)")
    public Uni<Response> job(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("jobId") String jobId,
            @QueryParam("minVersion") String minVersion) {
        UUID id = parse(jobId);
        Long version = minVersion(minVersion);
        return jobs.read(TenantHeaders.required(tenant), id, version).map(found -> {
            if (found == null) {
                throw new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, version == null
                        ? "the read model has not seen job " + jobId
                        : "the read model has not seen version " + version + " of job " + jobId);
            }
            return Response.ok(found.state().job(), MediaType.APPLICATION_JSON)
                    .header(ResultCacheResource.CACHE_SOURCE, found.source().label()).build();
        });
    }

    private static UUID parse(String jobId) {
        try {
            return UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid job id",
                    List.of(new FieldError("jobId", "must be a UUID")));
        }
    }

    private static Long minVersion(String given) {
        if (given == null) {
            return null;
        }
        try {
            long version = Long.parseLong(given);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid query parameters",
                List.of(new FieldError("minVersion", "must be a whole number of at least 1")));
    }
}
