package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * grading-service serves the public paths under the same prefix, so every call keeps its path.
 * Query parameters travel as one map because list endpoints take open-ended names such as
 * {@code filter[subject]}.
 */
@RegisterRestClient(configKey = "grading")
@Path("/api/v1")
@Produces(MediaType.WILDCARD)
interface GradingApi {

    @POST
    @Path("/exams")
    Uni<Response> createExam(@BeanParam DownstreamHeaders headers, @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/exams")
    Uni<Response> listExams(@BeanParam DownstreamHeaders headers, @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/exams/{examId}")
    Uni<Response> getExam(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/exams/{examId}/questions")
    Uni<Response> createQuestion(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/exams/{examId}/questions")
    Uni<Response> listQuestions(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @PUT
    @Path("/questions/{questionId}/rubric")
    Uni<Response> replaceRubric(@BeanParam DownstreamHeaders headers, @PathParam("questionId") String questionId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @PUT
    @Path("/questions/{questionId}/marking/auto-accept")
    Uni<Response> setAutoAccept(@BeanParam DownstreamHeaders headers, @PathParam("questionId") String questionId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @POST
    @Path("/exams/{examId}/submissions")
    Uni<Response> uploadSubmissions(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/exams/{examId}/submissions")
    Uni<Response> listSubmissions(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/exams/{examId}/review-items")
    Uni<Response> listReviewItems(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/submissions/{submissionId}/override")
    Uni<Response> overrideScore(@BeanParam DownstreamHeaders headers, @PathParam("submissionId") String submissionId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @PUT
    @Path("/submissions/{submissionId}/answer")
    Uni<Response> replaceAnswer(@BeanParam DownstreamHeaders headers, @PathParam("submissionId") String submissionId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/submissions/{submissionId}/versions")
    Uni<Response> answerVersions(@BeanParam DownstreamHeaders headers, @PathParam("submissionId") String submissionId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/review-items/{itemId}/exemplars")
    Uni<Response> reviewItemExemplars(@BeanParam DownstreamHeaders headers, @PathParam("itemId") String itemId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/review-items/{itemId}/marks")
    Uni<Response> markReviewItem(@BeanParam DownstreamHeaders headers, @PathParam("itemId") String itemId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @POST
    @Path("/exams/{examId}/release")
    Uni<Response> releaseExam(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/deletions")
    Uni<Response> requestDeletion(@BeanParam DownstreamHeaders headers, @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @POST
    @Path("/deletions/{id}/confirm")
    Uni<Response> confirmDeletion(@BeanParam DownstreamHeaders headers, @PathParam("id") String id,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/deletions/{id}")
    Uni<Response> deletion(@BeanParam DownstreamHeaders headers, @PathParam("id") String id,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/students/{studentId}/erasure")
    Uni<Response> eraseStudent(@BeanParam DownstreamHeaders headers, @PathParam("studentId") String studentId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/audit-log")
    Uni<Response> auditLog(@BeanParam DownstreamHeaders headers, @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/students/{studentId}/results")
    Uni<Response> studentResults(@BeanParam DownstreamHeaders headers, @PathParam("studentId") String studentId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/exams/{examId}/grading-jobs")
    Uni<Response> createJob(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/exams/{examId}/grading-jobs")
    Uni<Response> examJobs(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/grading-jobs/{jobId}/{action}")
    Uni<Response> jobAction(@BeanParam DownstreamHeaders headers, @PathParam("jobId") String jobId,
            @PathParam("action") String action, @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/grading-jobs/{jobId}")
    Uni<Response> getJob(@BeanParam DownstreamHeaders headers, @PathParam("jobId") String jobId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/grading-jobs/{jobId}/results")
    Uni<Response> listResults(@BeanParam DownstreamHeaders headers, @PathParam("jobId") String jobId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/grading-jobs/{jobId}/statistics")
    Uni<Response> statistics(@BeanParam DownstreamHeaders headers, @PathParam("jobId") String jobId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/exams/{examId}/marks")
    Uni<Response> uploadMarks(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @PUT
    @Path("/exams/{examId}/markers")
    Uni<Response> replaceMarkers(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/exams/{examId}/markers")
    Uni<Response> getMarkers(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/exams/{examId}/markers/quality")
    Uni<Response> markerQuality(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/exams/{examId}/quality")
    Uni<Response> examQuality(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/exams/{examId}/review-items/next")
    Uni<Response> nextReviewItem(@BeanParam DownstreamHeaders headers, @PathParam("examId") String examId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/questions/{questionId}/answer-groups")
    Uni<Response> listAnswerGroups(@BeanParam DownstreamHeaders headers, @PathParam("questionId") String questionId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/answer-groups/{groupId}/marks")
    Uni<Response> markAnswerGroup(@BeanParam DownstreamHeaders headers, @PathParam("groupId") String groupId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @POST
    @Path("/questions/{questionId}/embeddings")
    Uni<Response> embedAnswers(@BeanParam DownstreamHeaders headers, @PathParam("questionId") String questionId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/questions/{questionId}/exemplar-suggestions")
    Uni<Response> exemplarSuggestions(@BeanParam DownstreamHeaders headers, @PathParam("questionId") String questionId,
            @RestQuery MultivaluedMap<String, String> query);
}
