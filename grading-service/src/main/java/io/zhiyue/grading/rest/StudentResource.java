package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.StudentResults;
import io.zhiyue.grading.service.DataDeletions;
import io.zhiyue.grading.service.ReleaseService;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
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
    private final DataDeletions deletions;

    public StudentResource(ReleaseService releases, DataDeletions deletions) {
        this.releases = releases;
        this.deletions = deletions;
    }

    /**
     * Erases the student (README "Data lifecycle"): 202 with the erasure record (no personal data), Location
     * {@code /api/v1/deletions/{id}}; it is COMPLETED when every service has confirmed.
     */
    @POST
    @Path("/{studentId}/erasure")
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    @Operation(summary = "Erase a student in every service: their answers, marks, results, cached entries, "
            + "checkpoint states, LLM audit records and trace attributes; 202 with the erasure record, COMPLETED "
            + "once every service has confirmed; 409 while a job is marking one of their exams")
    public Uni<Response> erase(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("studentId") String studentId) {
        return deletions.erase(TenantHeaders.required(tenant), subject, studentId).map(DataDeletionResource::accepted);
    }

    /** {@code {items: [{examId, examTitle, questionNumber, score, maxScore, releasedAt}]}}, by release, question. */
    @GET
    @Path("/{studentId}/results")
    public Uni<StudentResults> results(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("studentId") String studentId) {
        return releases.studentResults(TenantHeaders.required(tenant), studentId);
    }
}
