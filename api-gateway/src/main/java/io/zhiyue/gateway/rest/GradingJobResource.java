package io.zhiyue.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.client.GradingStreams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
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

/** Grading jobs: state machine commands, progress, results, export and statistics. */
@Path("/api/v1/grading-jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "grading-jobs")
public class GradingJobResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;
    private final GradingStreams export;

    GradingJobResource(GradingClient grading, CallerContext caller, ResponseRelay relay, GradingStreams export) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
        this.export = export;
    }

    @POST
    @Path("/{jobId}/start")
    @Operation(summary = "Start a job: CREATED → ANALYZED → SPLIT_COMPLETE → EXECUTING; 409 when illegal")
    public Uni<Response> start(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "start", contentType, body, uri);
    }

    @POST
    @Path("/{jobId}/pause")
    @Operation(summary = "Pause an EXECUTING job; 409 when illegal")
    public Uni<Response> pause(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "pause", contentType, body, uri);
    }

    @POST
    @Path("/{jobId}/resume")
    @Operation(summary = "Resume a PAUSED job; 409 when illegal")
    public Uni<Response> resume(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "resume", contentType, body, uri);
    }

    @POST
    @Path("/{jobId}/cancel")
    @Operation(summary = "Cancel a job that is not final; 409 when illegal")
    public Uni<Response> cancel(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "cancel", contentType, body, uri);
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "Job state, per-stage ready flags, counters, percent and timings")
    public Uni<Response> getJob(@PathParam("jobId") String jobId, @Context UriInfo uri) {
        return relay.relay(grading.getJob(caller.caller(), jobId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{jobId}/results")
    @Operation(summary = "Results of a job", description = ListQuery.DESCRIPTION)
    public Uni<Response> listResults(@PathParam("jobId") String jobId, @Context UriInfo uri) {
        return relay.relay(grading.listResults(caller.caller(), jobId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{jobId}/export")
    @Produces(ExamResource.TEXT_CSV)
    @Operation(summary = "Export results, streamed; format=csv gives one row per result "
            + "(student_id,question_number,score,max_score,...)")
    public RestMulti<byte[]> exportResults(@PathParam("jobId") UUID jobId, @Context UriInfo uri) {
        return relay.relayStream(export.open(caller.caller(), jobId, uri.getRequestUri().getRawQuery()));
    }

    @GET
    @Path("/{jobId}/statistics")
    @Operation(summary = "Per question: count, mean, std dev, min, max, distribution")
    public Uni<Response> statistics(@PathParam("jobId") String jobId, @Context UriInfo uri) {
        return relay.relay(grading.statistics(caller.caller(), jobId, ForwardedQuery.of(uri)));
    }

    private Uni<Response> action(String jobId, String action, String contentType, byte[] body, UriInfo uri) {
        return relay.relaySlow(grading.jobAction(caller.caller(), jobId, action, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }
}
