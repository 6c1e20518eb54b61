package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.AnswerCorrection;
import io.zhiyue.grading.saga.ScoreOverrides;
import io.zhiyue.grading.service.AnswerCorrections;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

import java.net.URI;
import java.util.UUID;

/** A submission's LLM explanation, streamed token by token, and the override of its final score. */
@Path("/api/v1/submissions")
public class SubmissionResource {

    private final ExplanationStreams streams;
    private final ScoreOverrides overrides;
    private final AnswerCorrections corrections;

    SubmissionResource(ExplanationStreams streams, ScoreOverrides overrides, AnswerCorrections corrections) {
        this.streams = streams;
        this.overrides = overrides;
        this.corrections = corrections;
    }

    @PUT
    @Path("/{submissionId}/answer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the answer before it is marked {answer, reason?}: the old answer is kept as a prior "
            + "version; 409 once the answer is in a job, has a result, a teacher's mark or an answer group")
    public Uni<AnswerCorrection.Corrected> replaceAnswer(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("submissionId") UUID submissionId,
            AnswerCorrection.Request request) {
        return corrections.replace(TenantHeaders.required(tenant), subject, submissionId, request);
    }

    @GET
    @Path("/{submissionId}/versions")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The answer's current version and every answer it replaced, oldest first")
    public Uni<AnswerCorrection.History> versions(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("submissionId") UUID submissionId) {
        return corrections.history(TenantHeaders.required(tenant), submissionId);
    }

    @POST
    @Path("/{submissionId}/override")
    @Consumes(MediaType.APPLICATION_JSON)
    @org.jboss.resteasy.reactive.ResponseStatus(202)
    @Operation(summary = "Override the final score of an answer of a COMPLETED job {jobId, score, reason, requestKey?}: "
            + "202 {sagaId, identicalAnswers} with Location /api/v1/sagas/{sagaId}; the score-override saga changes "
            + "the score here, the result cache and the channels together or not at all")
    public Uni<Response> override(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("submissionId") UUID submissionId,
            byte[] body) {
        return overrides.override(TenantHeaders.required(tenant), subject == null || subject.isBlank() ? "teacher" : subject,
                        submissionId, body)
                .map(accepted -> Response.accepted(accepted)
                        .location(URI.create("/api/v1/sagas/" + accepted.sagaId())).build());
    }

    @GET
    @Path("/{submissionId}/explanation")
    // no @Produces: see ExplanationStreams
    @Operation(summary = "The LLM's explanation of the submission's latest proposal, as server-sent events "
            + "(text/event-stream): token events as the model writes, then done (or error)")
    public RestMulti<byte[]> explanation(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("submissionId") UUID submissionId) {
        return streams.of(TenantHeaders.required(tenant), submissionId);
    }
}
