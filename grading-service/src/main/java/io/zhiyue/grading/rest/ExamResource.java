package io.zhiyue.grading.rest;

import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.Exam;
import io.zhiyue.grading.model.ExamCreate;
import io.zhiyue.grading.model.ExamRelease;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.model.JobCreate;
import io.zhiyue.grading.model.MarkerAllocation;
import io.zhiyue.grading.model.MarkerQuality;
import io.zhiyue.grading.model.Question;
import io.zhiyue.grading.model.QuestionCreate;
import io.zhiyue.grading.model.QuestionQuality;
import io.zhiyue.grading.model.ReviewItem.NextRequest;
import io.zhiyue.grading.model.UploadReport;
import io.zhiyue.grading.repository.ExamRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.ReviewRepository;
import io.zhiyue.grading.repository.SubmissionRepository;
import io.zhiyue.grading.service.ExamService;
import io.zhiyue.grading.service.GradingJobService;
import io.zhiyue.grading.service.MarkerIdentity;
import io.zhiyue.grading.service.MarkerService;
import io.zhiyue.grading.service.QualityService;
import io.zhiyue.grading.service.ReleaseService;
import io.zhiyue.grading.service.ReviewService;
import io.zhiyue.grading.service.SubmissionService;
import io.zhiyue.grading.service.TeacherMarkService;
import io.zhiyue.grading.service.UploadFormats;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

@Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/exams")
@Produces(MediaType.APPLICATION_JSON)
public class ExamResource {

    private final ExamService exams;
    private final SubmissionService submissions;
    private final GradingJobService jobs;
    private final ReviewService reviews;
    private final TeacherMarkService teacherMarks;
    private final MarkerService markers;
    private final QualityService quality;
    private final ReleaseService releases;
    private final ObjectMapper json;

    public ExamResource(ExamService exams, SubmissionService submissions, GradingJobService jobs,
            ReviewService reviews, TeacherMarkService teacherMarks, MarkerService markers, QualityService quality,
            ReleaseService releases, ObjectMapper json) {
        this.json = json;
        this.releases = releases;
        this.markers = markers;
        this.quality = quality;
        this.reviews = reviews;
        this.teacherMarks = teacherMarks;
        this.exams = exams;
        this.submissions = submissions;
        this.jobs = jobs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@HeaderParam(TenantHeaders.TENANT) String tenant, ExamCreate request) {
        return exams.create(TenantHeaders.required(tenant), request)
                .map(exam -> Response.created(URI.create("/api/v1/exams/" + exam.id())).entity(exam).build());
    }

    @GET
    public Uni<Object> list(@HeaderParam(TenantHeaders.TENANT) String tenant, @Context UriInfo uri) {
        ListQuery query = ListQuery.parse(uri.getRequestUri().getRawQuery(), ExamRepository.LIST_SPEC);
        return exams.list(TenantHeaders.required(tenant), query).map(page -> FieldSelection.apply(page, query.fields()));
    }

    @GET
    @Path("/{examId}")
    public Uni<Exam> get(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("examId") UUID examId) {
        return exams.find(TenantHeaders.required(tenant), examId);
    }

    @POST
    @Path("/{examId}/questions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> addQuestion(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("examId") UUID examId,
            QuestionCreate request) {
        return exams.addQuestion(TenantHeaders.required(tenant), subject, examId, request)
                .map(question -> Response.created(URI.create("/api/v1/questions/" + question.id()))
                        .entity(question).build());
    }

    @GET
    @Path("/{examId}/questions")
    public Uni<PageResponse<Question>> questions(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId) {
        return exams.questions(TenantHeaders.required(tenant), examId)
                .map(list -> new PageResponse<>(list, 1, list.size(), list.size()));
    }

    @POST
    @Path("/{examId}/submissions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    @Blocking
    public UploadReport uploadJson(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId, InputStream body) {
        return submissions.upload(TenantHeaders.required(tenant), examId, UploadFormats.submissionsJson(body));
    }

    @POST
    @Path("/{examId}/submissions")
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    @Blocking
    public UploadReport uploadCsv(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId, InputStream body) {
        return submissions.upload(TenantHeaders.required(tenant), examId, UploadFormats.submissionsCsv(body));
    }

    /**
     * Teacher marks, {@code [{studentId, questionNumber, score, points?, markerId, comment?}]}; bad rows reported.
     * Behind the gateway every row is the caller's mark, whatever its {@code markerId} (see {@link MarkerIdentity}).
     */
    @POST
    @Path("/{examId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    @Blocking
    public UploadReport uploadMarksJson(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("examId") UUID examId, InputStream body) {
        return teacherMarks.upload(TenantHeaders.required(tenant), examId, UploadFormats.marksJson(body),
                MarkerIdentity.of(subject, roles));
    }

    /** Teacher marks as CSV {@code student_id,question_number,score,marker_id}; the marker as for JSON. */
    @POST
    @Path("/{examId}/marks")
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    @Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
    @Blocking
    public UploadReport uploadMarksCsv(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("examId") UUID examId, InputStream body) {
        return teacherMarks.upload(TenantHeaders.required(tenant), examId, UploadFormats.marksCsv(body),
                MarkerIdentity.of(subject, roles));
    }

    /**
     * Releases the exam's results to its students (a teacher's action): {@code {examId, releasedAt, releasedBy}}.
     * Releasing again answers the first release unchanged.
     */
    @POST
    @Path("/{examId}/release")
    public Uni<ExamRelease> release(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("examId") UUID examId) {
        String releasedBy = subject == null || subject.isBlank() ? null : subject.trim();
        return releases.release(TenantHeaders.required(tenant), examId, releasedBy);
    }

    /** Who marks which questions: {@code {markers: [{markerId, questionNumbers, chief?}], recheckEvery?}}, replaced whole. */
    @PUT
    @Path("/{examId}/markers")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<MarkerAllocation> replaceMarkers(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("examId") UUID examId,
            MarkerAllocation body) {
        return markers.replace(TenantHeaders.required(tenant), subject, examId, body);
    }

    @GET
    @Path("/{examId}/markers")
    public Uni<MarkerAllocation> markers(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId) {
        return markers.allocation(TenantHeaders.required(tenant), examId);
    }

    /** Per marker: marks, speed, deviation from final scores, self-consistency on answers served again (回评). */
    @GET
    @Path("/{examId}/markers/quality")
    public Uni<MarkerQuality> markerQuality(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId) {
        return markers.quality(TenantHeaders.required(tenant), examId);
    }

    /** The AI's quality per ai-mode question, from blind checks only. */
    @GET
    @Path("/{examId}/quality")
    public Uni<QuestionQuality> quality(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId) {
        return quality.of(TenantHeaders.required(tenant), examId);
    }

    /**
     * The next item of a marker's queue, leased to them: {@code {markerId, chief?, leaseSeconds?}} (the marker and
     * chief flag from the gateway when it names the caller, see {@link MarkerIdentity}); 204 when empty.
     */
    @POST
    @Path("/{examId}/review-items/next")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> nextReviewItem(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("examId") UUID examId, NextRequest body) {
        return reviews.next(TenantHeaders.required(tenant), examId, body, MarkerIdentity.of(subject, roles))
                .map(item -> item == null ? Response.noContent().build() : Response.ok(item).build());
    }

    /** The exam's review queue: {@code filter[questionNumber]}, {@code filter[state]}; never the student. */
    @GET
    @Path("/{examId}/review-items")
    public Uni<Object> listReviewItems(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId, @Context UriInfo uri) {
        ListQuery query = ListQuery.parse(uri.getRequestUri().getRawQuery(), ReviewRepository.LIST_SPEC);
        return reviews.list(TenantHeaders.required(tenant), examId, query).map(page -> FieldSelection.apply(page, query.fields()));
    }

    @GET
    @Path("/{examId}/submissions")
    public Uni<Object> listSubmissions(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId, @Context UriInfo uri) {
        ListQuery query = ListQuery.parse(uri.getRequestUri().getRawQuery(), SubmissionRepository.LIST_SPEC);
        return submissions.list(TenantHeaders.required(tenant), examId, query).map(page -> FieldSelection.apply(page, query.fields()));
    }

    @POST
    @Path("/{examId}/grading-jobs")
    public Uni<Response> createJob(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("examId") UUID examId, byte[] body) {
        return jobs.create(TenantHeaders.required(tenant), subject, examId, jobSettings(body))
                .map(job -> Response.created(URI.create("/api/v1/grading-jobs/" + job.id())).entity(job).build());
    }

    /**
     * The exam's newest jobs (at most {@value GradingJobService#EXAM_JOBS_LISTED}), newest first, in one page whose
     * {@code total} counts what it lists. It takes no list parameters: any is a 400, never ignored.
     */
    @GET
    @Path("/{examId}/grading-jobs")
    public Uni<PageResponse<GradingJob>> jobs(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("examId") UUID examId, @Context UriInfo uri) {
        if (!uri.getQueryParameters().isEmpty()) {
            throw ZhiyueException.validation(uri.getQueryParameters().keySet().iterator().next(), "is not a parameter "
                    + "of this list (it lists the newest " + GradingJobService.EXAM_JOBS_LISTED + " jobs, newest first)");
        }
        return jobs.ofExam(TenantHeaders.required(tenant), examId)
                .map(list -> new PageResponse<>(list, 1, GradingJobService.EXAM_JOBS_LISTED, list.size()));
    }

    /** The optional body of a new job: none at all (no content type either), or a JSON object. */
    private JobCreate jobSettings(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readValue(body, JobCreate.class);
        } catch (IOException e) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "the job settings are not valid JSON"
                    + (e instanceof DatabindException bad ? ": " + bad.getOriginalMessage() : ""));
        }
    }
}
