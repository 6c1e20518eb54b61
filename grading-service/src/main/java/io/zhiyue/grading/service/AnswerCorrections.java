package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.AnswerCorrection;
import io.zhiyue.grading.model.AnswerCorrection.Corrected;
import io.zhiyue.grading.model.AnswerCorrection.History;
import io.zhiyue.grading.model.AnswerCorrection.PriorVersion;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Corrections of an answer before it is marked (a wrong file uploaded, a typo in the scanning): the
 * new answer replaces the old one, which is kept in {@code submission_versions} with who replaced it,
 * when and why. Once the answer is in a job that was not cancelled, has a result, a teacher's mark
 * or a place in an answer group, it is marked (or being marked) and a correction is refused: the
 * score would no longer be the answer's.
 */
@ApplicationScoped
public class AnswerCorrections {

    static final int MAX_REASON = 500;

    private static final String LOCK = """
            SELECT id, student_id, question_number, answer, version FROM submissions
            WHERE tenant_id = $1 AND id = $2 FOR UPDATE""";
    /** What marks the answer already, if anything (the first such thing). */
    private static final String MARKED_BY = """
            SELECT 'grading job ' || j.id || ' (' || j.state || ')' AS holder
              FROM grading_tasks t JOIN grading_jobs j ON j.id = t.job_id
             WHERE t.submission_id = $1 AND j.state <> 'CANCELLED'
            UNION ALL SELECT 'a result of grading job ' || job_id FROM results WHERE submission_id = $1
            UNION ALL SELECT 'a teacher''s mark' FROM teacher_marks WHERE submission_id = $1
            UNION ALL SELECT 'answer group ' || group_id FROM answer_group_members WHERE submission_id = $1
            LIMIT 1""";
    private static final String KEEP_PRIOR = """
            INSERT INTO submission_versions (submission_id, version, tenant_id, answer, replaced_by, reason)
            VALUES ($1, $2, $3, $4, $5, $6)""";
    private static final String REPLACE = """
            UPDATE submissions SET answer = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2
            RETURNING id, student_id, question_number, answer, version""";
    private static final String CURRENT = "SELECT version FROM submissions WHERE tenant_id = $1 AND id = $2";
    private static final String PRIOR_VERSIONS = """
            SELECT version, answer, replaced_at, replaced_by, reason FROM submission_versions
            WHERE tenant_id = $1 AND submission_id = $2 ORDER BY version""";

    private final Outbox outbox;
    private final AuditTrail audit;
    private final Pool pool;

    public AnswerCorrections(Outbox outbox, AuditTrail audit, Pool pool) {
        this.outbox = outbox;
        this.audit = audit;
        this.pool = pool;
    }

    /**
     * Replaces the answer, keeping the old one; the same answer again changes nothing. 404 when the
     * tenant has no such submission, 409 ILLEGAL_STATE once it is marked. {@code by}: the gateway's subject.
     */
    @WithSpan
    public Uni<Corrected> replace(String tenant, String by, UUID submissionId, AnswerCorrection.Request request) {
        validate(request);
        String who = by == null || by.isBlank() ? "teacher" : by.trim();
        String reason = request.reason() == null || request.reason().isBlank() ? null : request.reason().trim();
        return outbox.inTransaction((tx, events) -> tx.preparedQuery(LOCK).execute(Tuple.of(tenant, submissionId))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ZhiyueException.notFound("submission", submissionId);
                    }
                    Row current = rows.iterator().next();
                    if (current.getString("answer").equals(request.answer())) {
                        return Uni.createFrom().item(corrected(current));
                    }
                    return tx.preparedQuery(MARKED_BY).execute(Tuple.of(submissionId)).chain(marked -> {
                        if (marked.iterator().hasNext()) {
                            throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "submission " + submissionId
                                    + " is marked or being marked (" + marked.iterator().next().getString("holder")
                                    + "): its answer can no longer be replaced; override the score instead");
                        }
                        int version = current.getInteger("version");
                        return tx.preparedQuery(KEEP_PRIOR).execute(Tuple.from(Arrays.asList(submissionId, version,
                                        tenant, current.getString("answer"), who, reason)))
                                .chain(() -> tx.preparedQuery(REPLACE).execute(Tuple.of(tenant, submissionId,
                                        request.answer())))
                                .map(replaced -> corrected(replaced.iterator().next()))
                                .invoke(corrected -> audit.record(events, tenant, "submission.answer-replaced",
                                        "submission", submissionId, who, AuditTrail.fields("version", version),
                                        AuditTrail.fields("version", corrected.version())));
                    });
                }));
    }

    /** The submission's current version and every answer it replaced, oldest first. 404 when there is none. */
    public Uni<History> history(String tenant, UUID submissionId) {
        return pool.preparedQuery(CURRENT).execute(Tuple.of(tenant, submissionId)).chain(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ZhiyueException.notFound("submission", submissionId);
            }
            int version = rows.iterator().next().getInteger("version");
            return pool.preparedQuery(PRIOR_VERSIONS).execute(Tuple.of(tenant, submissionId)).map(prior -> {
                List<PriorVersion> versions = new ArrayList<>();
                for (Row row : prior) {
                    versions.add(new PriorVersion(row.getInteger("version"), row.getString("answer"),
                            row.getOffsetDateTime("replaced_at"), row.getString("replaced_by"), row.getString("reason")));
                }
                return new History(submissionId, version, versions);
            });
        });
    }

    private static void validate(AnswerCorrection.Request request) {
        if (request == null) {
            throw ZhiyueException.validation("body", "expected {\"answer\": \"…\", \"reason\": \"…\"}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.answer() == null) {
            errors.add(new FieldError("answer", "is required (an empty string for a blank answer)"));
        } else if (request.answer().length() > SubmissionService.MAX_ANSWER) {
            errors.add(new FieldError("answer", "is longer than " + SubmissionService.MAX_ANSWER + " characters"));
        }
        if (request.reason() != null && request.reason().length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is longer than " + MAX_REASON + " characters"));
        }
        ExamService.rejectNul("answer", request.answer(), errors);
        ExamService.rejectNul("reason", request.reason(), errors);
        ExamService.failIfAny(errors);
    }

    private static Corrected corrected(Row row) {
        return new Corrected(row.getUUID("id"), row.getString("student_id"), row.getInteger("question_number"),
                row.getString("answer"), row.getInteger("version"));
    }
}
