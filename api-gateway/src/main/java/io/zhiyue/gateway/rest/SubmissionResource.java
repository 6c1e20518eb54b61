package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.client.GradingStreams;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.jboss.resteasy.reactive.RestMulti;

import java.util.UUID;

/**
 * A submission's score override (to grading-service, which starts the saga) and its LLM explanation:
 * grading-service's server-sent events relayed chunk by chunk as they arrive (no @Produces on it: the events are
 * already framed, and the type comes from downstream).
 * A client that goes away resets the call to grading-service, which cancels its call to the
 * provider; a slow client is read from no faster than it reads, so nothing piles up here.
 */
@Path("/api/v1/submissions")
@Tag(name = "marking")
public class SubmissionResource {

    private final CallerContext caller;
    private final ResponseRelay relay;
    private final GradingStreams streams;
    private final GradingClient grading;

    SubmissionResource(CallerContext caller, ResponseRelay relay, GradingStreams streams, GradingClient grading) {
        this.caller = caller;
        this.relay = relay;
        this.streams = streams;
        this.grading = grading;
    }

    @POST
    @Path("/{submissionId}/override")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Override the final score of an answer of a COMPLETED job {jobId, score, reason, requestKey?}: "
            + "202 {sagaId, identicalAnswers}, Location /api/v1/sagas/{sagaId}; the score changes in grading-service, "
            + "the result cache and on the exam's and the student's channels together or not at all")
    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    public Uni<Response> override(@PathParam("submissionId") String submissionId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.overrideScore(caller.caller(), submissionId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @PUT
    @Path("/{submissionId}/answer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an answer before it is marked {answer, reason?}: the old answer is kept as a prior "
            + "version (GET …/versions); 409 once the answer is in a job, has a result, a teacher's mark or an answer group")
    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    public Uni<Response> replaceAnswer(@PathParam("submissionId") String submissionId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.replaceAnswer(caller.caller(), submissionId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @GET
    @Path("/{submissionId}/versions")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An answer's current version and every answer it replaced, oldest first")
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public Uni<Response> answerVersions(@PathParam("submissionId") String submissionId, @Context UriInfo uri) {
        return relay.relay(grading.answerVersions(caller.caller(), submissionId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{submissionId}/explanation")
    @Operation(summary = "The LLM's explanation of the submission's latest proposal, streamed as server-sent "
            + "events (text/event-stream): token events as the model writes, then done (or error)")
    // staff only: a marker reads an item's explanation by the item, which stays blind where it must and never names
    // the submission
    @Access(value = RouteClass.STREAMS, audience = Audience.STAFF)
    public RestMulti<byte[]> explanation(@PathParam("submissionId") UUID submissionId) {
        return relay.relayStream(streams.openExplanation(caller.caller(), submissionId));
    }
}
