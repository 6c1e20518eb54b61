package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.StudentResults;
import io.zhiyue.grading.service.ReleaseService;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;

/**
 * A student's view: released results only. That a student reads only their own id is the gateway's rule; this
 * route never shows anything an exam has not released.
 */
@Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/students")
@Produces(MediaType.APPLICATION_JSON)
public class StudentResource {

    private final ReleaseService releases;

    public StudentResource(ReleaseService releases) {
        this.releases = releases;
    }

    /** {@code {items: [{examId, examTitle, questionNumber, score, maxScore, releasedAt}]}}, by release, question. */
    @GET
    @Path("/{studentId}/results")
    public Uni<StudentResults> results(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("studentId") String studentId) {
        return releases.studentResults(TenantHeaders.required(tenant), studentId);
    }
}
