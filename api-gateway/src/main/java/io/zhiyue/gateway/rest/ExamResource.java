package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
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

/** Exams and what hangs off one exam: questions, submissions and the creation of grading jobs. */
@Path("/api/v1/exams")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "exams")
public class ExamResource {

    static final String TEXT_CSV = "text/csv";

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    ExamResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an exam from {title, subject?}")
    public Uni<Response> createExam(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body,
            @Context UriInfo uri) {
        return relay.relay(grading.createExam(caller.caller(), ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.READS, audience = Audience.MARKERS)
    @GET
    @Operation(summary = "List exams", description = ListQuery.DESCRIPTION)
    public Uni<Response> listExams(@Context UriInfo uri) {
        return relay.relay(grading.listExams(caller.caller(), ForwardedQuery.of(uri)));
    }

    @Access(value = RouteClass.READS, audience = Audience.MARKERS)
    @GET
    @Path("/{examId}")
    @Operation(summary = "One exam")
    public Uni<Response> getExam(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.getExam(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    @POST
    @Path("/{examId}/questions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a question with its rubric")
    public Uni<Response> createQuestion(@PathParam("examId") String examId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.createQuestion(caller.caller(), examId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.READS, audience = Audience.MARKERS)
    @GET
    @Path("/{examId}/questions")
    @Operation(summary = "List the questions of an exam", description = ListQuery.DESCRIPTION)
    public Uni<Response> listQuestions(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.listQuestions(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @POST
    @Path("/{examId}/submissions")
    @Consumes({MediaType.APPLICATION_JSON, TEXT_CSV})
    @Operation(summary = "Upload answers as a JSON array or CSV (student_id,question_number,answer), at most "
            + "100,000 rows and 10 MB: {accepted, rejected:[{row, code, message}] (the first 1,000), rejectedNotListed}")
    @Access(value = RouteClass.UPLOADS, audience = Audience.STAFF)
    public Uni<Response> uploadSubmissions(@PathParam("examId") String examId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relaySlow(grading.uploadSubmissions(caller.caller(), examId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    @GET
    @Path("/{examId}/submissions")
    @Operation(summary = "List the submissions of an exam", description = ListQuery.DESCRIPTION)
    public Uni<Response> listSubmissions(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.listSubmissions(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{examId}/review-items")
    @Operation(summary = "The exam's review queue: answers waiting for people, anonymous, blind while double-marked",
            description = ListQuery.DESCRIPTION)
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public Uni<Response> listReviewItems(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.listReviewItems(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @POST
    @Path("/{examId}/marks")
    @Consumes({MediaType.APPLICATION_JSON, TEXT_CSV})
    @Operation(summary = "Upload teacher marks as a JSON array [{studentId, questionNumber, score, points?, markerId, "
            + "comment?}] or CSV (student_id,question_number,score,marker_id): {accepted, rejected:[{row, code, message}], "
            + "rejectedNotListed}; a later job gives those answers the teacher's score")
    @Access(value = RouteClass.UPLOADS, audience = Audience.STAFF)
    public Uni<Response> uploadMarks(@PathParam("examId") String examId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relaySlow(grading.uploadMarks(caller.caller(), examId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @PUT
    @Path("/{examId}/markers")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Assign markers to questions ({markers: [{markerId, questionNumbers, chief?}], recheckEvery?}); "
            + "replaces the allocation")
    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    public Uni<Response> replaceMarkers(@PathParam("examId") String examId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.replaceMarkers(caller.caller(), examId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    @GET
    @Path("/{examId}/markers")
    @Operation(summary = "The exam's marker allocation")
    public Uni<Response> getMarkers(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.getMarkers(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    @GET
    @Path("/{examId}/markers/quality")
    @Operation(summary = "Per marker: marks, speed, mean deviation from final scores, self-consistency (回评)")
    public Uni<Response> markerQuality(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.markerQuality(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{examId}/quality")
    @Operation(summary = "The AI's quality per ai-mode question from blind checks: kappa, agreement, bias, "
            + "auto-accept and override rates, alert")
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public Uni<Response> examQuality(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.examQuality(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @POST
    @Path("/{examId}/review-items/next")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The next item of a marker's queue, leased to them ({markerId, chief?, leaseSeconds?}); "
            + "204 when the queue is empty")
    @Access(value = RouteClass.MARKING, audience = Audience.MARKERS)
    public Uni<Response> nextReviewItem(@PathParam("examId") String examId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.nextReviewItem(caller.caller(), examId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    @POST
    @Path("/{examId}/release")
    @Operation(summary = "Release the exam's results to its students (final scores only; again is a no-op)")
    public Uni<Response> release(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.releaseExam(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    @GET
    @Path("/{examId}/grading-jobs")
    @Operation(summary = "The exam's newest jobs (at most 100), newest first")
    public Uni<Response> listJobs(@PathParam("examId") String examId, @Context UriInfo uri) {
        return relay.relay(grading.examJobs(caller.caller(), examId, ForwardedQuery.of(uri)));
    }

    @Access(value = RouteClass.JOB_CONTROLS, audience = Audience.STAFF)
    @POST
    @Path("/{examId}/grading-jobs")
    @Operation(summary = "Create a grading job in state CREATED")
    public Uni<Response> createJob(@PathParam("examId") String examId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.createJob(caller.caller(), examId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }
}
