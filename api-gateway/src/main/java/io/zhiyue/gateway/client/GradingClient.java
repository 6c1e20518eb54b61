package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.config.CallBudgets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;

/**
 * grading-service as the gateway sees it, over every instance (SmallRye Stork: the static list
 * the launcher passes, or the Kubernetes Service; the least-response-time balancer keeps a failed
 * instance out of rotation). Every attempt is bounded by a timeout and a circuit breaker; the
 * whole call, retries included, by the REST layer's time budget. Idempotent reads are retried on
 * any failure, every call when the connection was refused (the request never reached anyone). A
 * 4xx answer is an ordinary item, so it never trips the breaker; a 5xx answer fails with
 * {@link DownstreamServerError} so it does.
 */
@ApplicationScoped
@Timeout(CallBudgets.READ_MILLIS)
@CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2)
public class GradingClient {

    private final GradingApi api;

    GradingClient(@RestClient GradingApi api) {
        this.api = api;
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> createExam(Caller caller, MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.createExam(DownstreamHeaders.of(caller), query, body.contentType(), body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> listExams(Caller caller, MultivaluedMap<String, String> query) {
        return read(api.listExams(DownstreamHeaders.of(caller), query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> getExam(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.getExam(DownstreamHeaders.of(caller), examId, query));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> createQuestion(Caller caller, String examId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.createQuestion(DownstreamHeaders.of(caller), examId, query, body.contentType(), body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> listQuestions(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.listQuestions(DownstreamHeaders.of(caller), examId, query));
    }

    /** Retried only unreached: each accepted PUT creates a new rubric version. */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> replaceRubric(Caller caller, String questionId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.replaceRubric(DownstreamHeaders.of(caller), questionId, query, body.contentType(),
                body.bytes()));
    }

    /** Idempotent (it sets a flag), so retried like a read. */
    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> setAutoAccept(Caller caller, String questionId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.setAutoAccept(DownstreamHeaders.of(caller), questionId, query, body.contentType(),
                body.bytes()));
    }

    /** Large CSV uploads are parsed downstream before it answers, so this call may take longer. */
    @Timeout(CallBudgets.SLOW_MILLIS)
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> uploadSubmissions(Caller caller, String examId,
            MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.uploadSubmissions(DownstreamHeaders.of(caller), examId, query, body.contentType(),
                body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> listSubmissions(Caller caller, String examId,
            MultivaluedMap<String, String> query) {
        return read(api.listSubmissions(DownstreamHeaders.of(caller), examId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> listReviewItems(Caller caller, String examId,
            MultivaluedMap<String, String> query) {
        return read(api.listReviewItems(DownstreamHeaders.of(caller), examId, query));
    }

    /** Retried only unreached (an override that arrived started its saga; its request key makes a second one the same). */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> overrideScore(Caller caller, String submissionId,
            MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.overrideScore(DownstreamHeaders.of(caller), submissionId, query, body.contentType(),
                body.bytes()));
    }

    /** Retried only unreached; the same answer again changes nothing, so a repeat is harmless anyway. */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> replaceAnswer(Caller caller, String submissionId,
            MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.replaceAnswer(DownstreamHeaders.of(caller), submissionId, query, body.contentType(),
                body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> answerVersions(Caller caller, String submissionId,
            MultivaluedMap<String, String> query) {
        return read(api.answerVersions(DownstreamHeaders.of(caller), submissionId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> reviewItemExemplars(Caller caller, String itemId,
            MultivaluedMap<String, String> query) {
        return read(api.reviewItemExemplars(DownstreamHeaders.of(caller), itemId, query));
    }

    /** Retried only unreached: a mark that arrived is stored once (a second one is refused as a duplicate). */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> markReviewItem(Caller caller, String itemId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.markReviewItem(DownstreamHeaders.of(caller), itemId, query, body.contentType(), body.bytes()));
    }

    @Timeout(CallBudgets.SLOW_MILLIS)
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> uploadMarks(Caller caller, String examId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.uploadMarks(DownstreamHeaders.of(caller), examId, query, body.contentType(), body.bytes()));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> replaceMarkers(Caller caller, String examId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.replaceMarkers(DownstreamHeaders.of(caller), examId, query, body.contentType(), body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> getMarkers(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.getMarkers(DownstreamHeaders.of(caller), examId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> markerQuality(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.markerQuality(DownstreamHeaders.of(caller), examId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> examQuality(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.examQuality(DownstreamHeaders.of(caller), examId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> examJobs(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.examJobs(DownstreamHeaders.of(caller), examId, query));
    }

    /** Retried only unreached: a lease that was taken is not taken twice. */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> nextReviewItem(Caller caller, String examId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.nextReviewItem(DownstreamHeaders.of(caller), examId, query, body.contentType(), body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> listAnswerGroups(Caller caller, String questionId, MultivaluedMap<String, String> query) {
        return read(api.listAnswerGroups(DownstreamHeaders.of(caller), questionId, query));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> markAnswerGroup(Caller caller, String groupId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.markAnswerGroup(DownstreamHeaders.of(caller), groupId, query, body.contentType(), body.bytes()));
    }

    /** Embedding a question's answers takes seconds: the slow budget, retried only unreached. */
    @Timeout(CallBudgets.SLOW_MILLIS)
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> embedAnswers(Caller caller, String questionId, MultivaluedMap<String, String> query) {
        return read(api.embedAnswers(DownstreamHeaders.of(caller), questionId, query));
    }

    /** Embeds the unmarked answers it has not embedded before: the slow budget; a read, so retried. */
    @Timeout(CallBudgets.SLOW_MILLIS)
    @Retry(maxRetries = 1, delay = 100, abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> exemplarSuggestions(Caller caller, String questionId,
            MultivaluedMap<String, String> query) {
        return read(api.exemplarSuggestions(DownstreamHeaders.of(caller), questionId, query));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> releaseExam(Caller caller, String examId, MultivaluedMap<String, String> query) {
        return read(api.releaseExam(DownstreamHeaders.of(caller), examId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> studentResults(Caller caller, String studentId, MultivaluedMap<String, String> query) {
        return read(api.studentResults(DownstreamHeaders.of(caller), studentId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> auditLog(Caller caller, MultivaluedMap<String, String> query) {
        return read(api.auditLog(DownstreamHeaders.of(caller), query));
    }

    /** Retried only unreached: a request that arrived was recorded (a second one would be another request). */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> requestDeletion(Caller caller, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.requestDeletion(DownstreamHeaders.of(caller), query, body.contentType(), body.bytes()));
    }

    /** Retried only unreached; confirming again answers the deletion as it is, so a repeat is harmless anyway. */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> confirmDeletion(Caller caller, String id, MultivaluedMap<String, String> query) {
        return read(api.confirmDeletion(DownstreamHeaders.of(caller), id, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> deletion(Caller caller, String id, MultivaluedMap<String, String> query) {
        return read(api.deletion(DownstreamHeaders.of(caller), id, query));
    }

    /** Retried only unreached: an erasure that arrived ran (a second one would erase nothing more, but record again). */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> eraseStudent(Caller caller, String studentId, MultivaluedMap<String, String> query) {
        return read(api.eraseStudent(DownstreamHeaders.of(caller), studentId, query));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> createJob(Caller caller, String examId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return read(api.createJob(DownstreamHeaders.of(caller), examId, query, body.contentType(), body.bytes()));
    }

    /**
     * {@code action} is one of start, pause, resume, cancel; the REST layer only routes those. Start
     * writes every task row and publishes every batch before it answers, which takes seconds for a
     * large exam.
     */
    @Timeout(CallBudgets.SLOW_MILLIS)
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> jobAction(Caller caller, String jobId, String action,
            MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.jobAction(DownstreamHeaders.of(caller), jobId, action, query, body.contentType(),
                body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> getJob(Caller caller, String jobId, MultivaluedMap<String, String> query) {
        return read(api.getJob(DownstreamHeaders.of(caller), jobId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> listResults(Caller caller, String jobId, MultivaluedMap<String, String> query) {
        return read(api.listResults(DownstreamHeaders.of(caller), jobId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> statistics(Caller caller, String jobId, MultivaluedMap<String, String> query) {
        return read(api.statistics(DownstreamHeaders.of(caller), jobId, query));
    }

    /**
     * The job for a live-channel snapshot: its own breaker and a short timeout, retried only when
     * an instance was unreachable, so snapshots never trip the breaker the REST API depends on.
     */
    @Timeout(value = 2, unit = ChronoUnit.SECONDS)
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 2, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 2)
    public Uni<DownstreamResponse> jobSnapshot(Caller caller, String jobId) {
        return read(api.getJob(DownstreamHeaders.of(caller), jobId, new MultivaluedHashMap<>()));
    }

    private static Uni<DownstreamResponse> read(Uni<Response> call) {
        return DownstreamResponse.of(call);
    }
}
