package io.zhiyue.grading.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.marking.ScoreScale;
import io.zhiyue.grading.repository.ReviewRepository.ReviewRow;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaApplied;
import io.zhiyue.shared.saga.SagaNames;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.OutboxEvents;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.shared.job.JobState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A teacher's override of a final score after its job completed. Validated here (the job COMPLETED, the answer
 * final, the score on the question's scale, a reason), then started as saga-service's {@value #DEFINITION} saga,
 * idempotent by a request key (the caller's {@code requestKey}, else the override's own content and how many
 * overrides the answer had before): the final
 * score with its history here, the cached results and the job's read model in cache-service, the notification on
 * the exam's and the student's channels. Nothing is written before the saga's first step. A review-queue mark that
 * changes a COMPLETED job's score is that saga's first step, applied with the mark ({@link #markApplied}).
 */
@ApplicationScoped
public class ScoreOverrides {

    public static final String DEFINITION = SagaNames.SCORE_OVERRIDE;
    /** The same steps for a review-queue mark, whose cache step is retried rather than taking the mark back. */
    public static final String REVIEW_MARK = SagaNames.REVIEW_MARK;
    static final int MAX_REASON = 1_000;

    private static final String RESULT = """
            SELECT r.question_id, r.question_number, r.student_id, r.final_score, r.review_status, r.status,
                   j.state, j.exam_id, jr.max_score, jr.score_step, s.answer,
                   (SELECT count(*) FROM score_overrides o WHERE o.job_id = r.job_id AND o.submission_id = r.submission_id)
                       AS overrides
            FROM results r JOIN grading_jobs j ON j.id = r.job_id
            JOIN job_rubrics jr ON jr.job_id = r.job_id AND jr.question_id = r.question_id
            JOIN submissions s ON s.id = r.submission_id
            WHERE r.tenant_id = $1 AND r.job_id = $2 AND r.submission_id = $3""";
    private static final String PRIOR = """
            SELECT final_score, final_source, review_status, reuse_version, reuse_key, student_id FROM results
            WHERE job_id = $1 AND submission_id = $2""";
    private static final String RECORD_MARK = """
            INSERT INTO score_overrides (saga_id, tenant_id, job_id, submission_id, old_score, old_source,
                                         old_review_status, new_score, reason, overridden_by, review_item_id,
                                         review_marker_id, review_old_state, review_old_final, counted, teacher_mark_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)""";
    private static final String SAME_QUESTION = """
            SELECT r.submission_id, s.answer FROM results r JOIN submissions s ON s.id = r.submission_id
            WHERE r.job_id = $1 AND r.question_id = $2 AND r.submission_id <> $3 ORDER BY r.submission_id""";

    /** What the caller gets: the saga, and the job's other answers written the same way (a Response's entity). */
    @RegisterForReflection
    public record Accepted(UUID sagaId, List<UUID> identicalAnswers) {
    }

    private record Request(UUID jobId, BigDecimal score, String reason, String requestKey) {
    }

    private final Pool pool;
    private final SagaServiceApi sagas;
    private final AuditTrail audit;

    public ScoreOverrides(Pool pool, @RestClient SagaServiceApi sagas, AuditTrail audit) {
        this.pool = pool;
        this.sagas = sagas;
        this.audit = audit;
    }

    public Uni<Accepted> override(String tenant, String by, UUID submissionId, byte[] body) {
        Request request = parse(body);
        String idempotencyKey = request.requestKey();
        return pool.preparedQuery(RESULT).execute(Tuple.of(tenant, request.jobId(), submissionId)).chain(rows -> {
            if (!rows.iterator().hasNext()) {
                throw new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, "submission " + submissionId
                        + " has no result in job " + request.jobId());
            }
            Row row = rows.iterator().next();
            if (!JobState.COMPLETED.name().equals(row.getString("state"))) {
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "job " + request.jobId() + " is "
                        + row.getString("state") + ": scores are overridden once it is COMPLETED");
            }
            if (row.getBigDecimal("final_score") == null) {
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "submission " + submissionId
                        + " has no final score yet (" + row.getString("review_status") + "): mark it in the review queue");
            }
            BigDecimal score = ScoreScale.normalise(request.score());
            new ScoreScale(row.getBigDecimal("max_score"), row.getBigDecimal("score_step")).requireValid(score);
            UUID questionId = row.getUUID("question_id");
            String answer = TextNormalizer.normalize(row.getString("answer"));
            ObjectNode data = JsonCodec.mapper().createObjectNode()
                    .put("jobId", request.jobId().toString()).put("submissionId", submissionId.toString())
                    .put("examId", row.getUUID("exam_id").toString()).put("studentId", row.getString("student_id"))
                    .put("questionNumber", row.getInteger("question_number")).put("score", score)
                    .put("reason", request.reason()).put("by", by);
            String key = idempotencyKey != null ? idempotencyKey.trim()
                    // the answer's overrides so far: the same request again is one saga, but after a saga ended
                    // (compensated, or another score since) the same override is a new one
                    : "override:" + request.jobId() + ":" + submissionId + ":" + row.getLong("overrides") + ":"
                            + score.toPlainString() + ":" + JsonCodec.sha256Hex(request.reason()).substring(0, 16);
            return identical(request.jobId(), questionId, submissionId, answer)
                    .chain(identical -> start(tenant, by, key, data, submissionId)
                            .map(saga -> new Accepted(saga, identical)));
        });
    }

    /** What an answer's result was before a mark changed it: the history keeps it, a compensation restores it. */
    public record Prior(BigDecimal score, String source, String reviewStatus, String reuseVersion, String reuseKey,
            String studentId) {
    }

    public Uni<Prior> prior(SqlConnection tx, UUID jobId, UUID submissionId) {
        return tx.preparedQuery(PRIOR).execute(Tuple.of(jobId, submissionId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Prior(row.getBigDecimal("final_score"), row.getString("final_source"),
                    row.getString("review_status"), row.getString("reuse_version"), row.getString("reuse_key"),
                    row.getString("student_id"));
        });
    }

    /**
     * A review-queue mark changed the published score of a COMPLETED job's answer (in {@code tx}, the mark's own
     * transaction): its history row, and the {@value #REVIEW_MARK} saga with the mark as its applied first step,
     * through the outbox (so the cache and the student follow even if saga-service is down right now; a
     * compensation takes the mark back). Answers the saga's id.
     */
    public Uni<UUID> markApplied(SqlConnection tx, OutboxEvents events, String tenant, ReviewRow item, Prior prior,
            BigDecimal score, String markerId, String reason, boolean counted, UUID teacherMark) {
        UUID sagaId = UUID.randomUUID();
        String why = reason == null || reason.isBlank() ? "review mark" : reason.trim();
        ObjectNode data = JsonCodec.mapper().createObjectNode()
                .put("jobId", item.jobId().toString()).put("submissionId", item.submissionId().toString())
                .put("examId", item.examId().toString()).put("studentId", prior.studentId())
                .put("questionNumber", item.questionNumber()).put("score", score)
                .put("reason", why).put("by", markerId);
        data.set("review", JsonCodec.mapper().createObjectNode().put("itemId", item.id().toString())
                .put("markerId", markerId));
        ObjectNode result = JsonCodec.mapper().createObjectNode().put("previousScore", prior.score());
        if (item.proposedScore() == null || item.proposedScore().compareTo(score) != 0) {
            // the cache step drops the proposal's reuse entry; one the mark agrees with stays
            result.put("reuseVersion", prior.reuseVersion()).put("reuseKey", prior.reuseKey());
        }
        String key = "review-mark:" + sagaId;
        return tx.preparedQuery(RECORD_MARK).execute(Tuple.from(Arrays.asList(sagaId, tenant, item.jobId(),
                        item.submissionId(), prior.score(), prior.source(), prior.reviewStatus(), score, why, markerId,
                        item.id(), markerId, item.state(), item.finalScore(), counted, teacherMark)))
                .invoke(() -> {
                    events.add(Streams.SAGA_STARTS, Envelope.of(EventType.SAGA_START, tenant, key,
                            new SagaApplied(sagaId, REVIEW_MARK, key, markerId, data, result), null));
                    audit.record(events, tenant, "score.changed-by-review", "submission", item.submissionId(),
                            markerId, AuditTrail.fields("score", prior.score()), AuditTrail.fields("score", score, "jobId", item.jobId(),
                                    "reviewItemId", item.id(), "sagaId", sagaId));
                })
                .replaceWith(sagaId);
    }

    private Uni<UUID> start(String tenant, String by, String key, ObjectNode data, UUID submissionId) {
        ObjectNode start = JsonCodec.mapper().createObjectNode().put("definition", DEFINITION).put("requestKey", key);
        start.set("data", data);
        return sagas.start(tenant, by, start)
                .onFailure().transform(failure -> {
                    Log.warnf("saga-service did not start the override of %s: %s", submissionId, failure);
                    return new ZhiyueException(ErrorCode.DEPENDENCY_UNAVAILABLE,
                            "saga-service is unavailable: the score was not changed; try again");
                })
                .map(saga -> UUID.fromString(saga.path("id").asText()));
    }

    /** The job's other answers to the question that read the same once normalised. */
    private Uni<List<UUID>> identical(UUID jobId, UUID questionId, UUID submissionId, String normalised) {
        return pool.preparedQuery(SAME_QUESTION).execute(Tuple.of(jobId, questionId, submissionId)).map(rows -> {
            List<UUID> same = new ArrayList<>();
            for (Row row : rows) {
                if (normalised.equals(TextNormalizer.normalize(row.getString("answer")))) {
                    same.add(row.getUUID("submission_id"));
                }
            }
            return same;
        });
    }

    private static Request parse(byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : JsonCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw ZhiyueException.validation("body", "is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw ZhiyueException.validation("body", "is required: {jobId, score, reason}");
        }
        List<FieldError> errors = new ArrayList<>();
        UUID jobId = null;
        try {
            jobId = json.path("jobId").isTextual() ? UUID.fromString(json.path("jobId").asText()) : null;
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (jobId == null) {
            errors.add(new FieldError("jobId", "must be the job's id (a UUID)"));
        }
        JsonNode score = json.path("score");
        if (!score.isNumber()) {
            errors.add(new FieldError("score", "must be a number"));
        }
        String reason = json.path("reason").isTextual() ? json.path("reason").asText().trim() : "";
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is required, at most " + MAX_REASON + " characters"));
        }
        JsonNode key = json.path("requestKey");
        if (!key.isMissingNode() && !key.isNull() && (!key.isTextual() || key.asText().isBlank()
                || key.asText().length() > 200)) {
            errors.add(new FieldError("requestKey", "must be text of 1 to 200 characters (the same key overrides once)"));
        }
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid override", errors);
        }
        return new Request(jobId, score.decimalValue(), reason, key.isTextual() ? key.asText() : null);
    }
}
