package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
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
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Corrections of an answer before it is marked (a wrong file uploaded, a misread scan): the new answer
 * replaces the old one, which is kept in {@code submission_versions} with who replaced it, when and
 * why. A correction holds the exam row (FOR UPDATE) while it checks and writes, and a job's start
 * share-locks that row, so no job can start grading the answer in between. Refused once the answer
 * is marked or being marked: a job of the exam past CREATED and not ended, a result of a finished
 * job, or a teacher's mark. An answer group that merely lists it drops it (it no longer reads the
 * same).
 */
@ApplicationScoped
public class AnswerCorrections {

    static final int MAX_REASON = 500;

    private static final String EXAM_OF = "SELECT exam_id FROM submissions WHERE tenant_id = $1 AND id = $2";
    private static final String LOCK_EXAM = "SELECT 1 FROM exams WHERE tenant_id = $1 AND id = $2 FOR UPDATE";
    private static final String LOCK = """
            SELECT id, student_id, question_number, answer, version FROM submissions
            WHERE tenant_id = $1 AND id = $2 FOR UPDATE""";
    /** What marks the answer already, if anything (the first such thing). */
    private static final String MARKED_BY = """
            SELECT 'grading job ' || id || ' (' || state || ')' AS holder FROM grading_jobs
             WHERE tenant_id = $1 AND exam_id = $2 AND state IN ('ANALYZED', 'SPLIT_COMPLETE', 'EXECUTING', 'PAUSED')
            UNION ALL
            SELECT 'a result of grading job ' || r.job_id FROM grading_tasks t
              JOIN results r ON r.job_id = t.job_id AND r.submission_id = t.submission_id
             WHERE t.submission_id = $3 AND t.tenant_id = $1 AND r.status = 'DONE'
            UNION ALL
            SELECT 'a teacher''s mark' FROM teacher_marks WHERE submission_id = $3 AND tenant_id = $1
            LIMIT 1""";
    /** The answer leaves the groups that listed it: it no longer reads like them. */
    private static final String LEAVE_GROUPS = """
            WITH left_groups AS (
                DELETE FROM answer_group_members WHERE submission_id = $1 RETURNING group_id)
            UPDATE answer_groups g SET size = g.size - 1 FROM left_groups l WHERE g.id = l.group_id""";
    private static final String KEEP_PRIOR = """
            INSERT INTO submission_versions (submission_id, version, tenant_id, answer, replaced_by, reason)
            VALUES ($1, $2, $3, $4, $5, $6)""";
    private static final String REPLACE = """
            UPDATE submissions SET answer = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2
            RETURNING id, student_id, question_number, answer, version""";
    private static final String HISTORY = """
            SELECT s.version AS current, v.version, v.answer, v.replaced_at, v.replaced_by, v.reason
            FROM submissions s LEFT JOIN submission_versions v ON v.submission_id = s.id
            WHERE s.tenant_id = $1 AND s.id = $2 ORDER BY v.version""";

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
        return outbox.inTransaction((tx, events) -> tx.preparedQuery(EXAM_OF).execute(Tuple.of(tenant, submissionId))
                .chain(exams -> {
                    if (!exams.iterator().hasNext()) {
                        throw ZhiyueException.notFound("submission", submissionId);
                    }
                    UUID examId = exams.iterator().next().getUUID("exam_id");
                    // the exam first, then the answer: the order every writer of both takes
                    return tx.preparedQuery(LOCK_EXAM).execute(Tuple.of(tenant, examId))
                            .chain(() -> tx.preparedQuery(LOCK).execute(Tuple.of(tenant, submissionId)))
                            .chain(rows -> {
                                Row current = rows.iterator().next();
                                if (current.getString("answer").equals(request.answer())) {
                                    return Uni.createFrom().item(corrected(current));
                                }
                                return tx.preparedQuery(MARKED_BY).execute(Tuple.of(tenant, examId, submissionId))
                                        .chain(marked -> {
                                            if (marked.iterator().hasNext()) {
                                                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "submission "
                                                        + submissionId + " is marked or being marked ("
                                                        + marked.iterator().next().getString("holder")
                                                        + "): its answer can no longer be replaced; override the "
                                                        + "score instead");
                                            }
                                            return store(tx, events, tenant, who, reason, current, request.answer());
                                        });
                            });
                }));
    }

    private Uni<Corrected> store(SqlConnection tx, OutboxEvents events, String tenant, String who, String reason,
            Row current, String answer) {
        UUID submissionId = current.getUUID("id");
        int version = current.getInteger("version");
        return tx.preparedQuery(KEEP_PRIOR).execute(Tuple.from(Arrays.asList(submissionId, version, tenant,
                        current.getString("answer"), who, reason)))
                .chain(() -> tx.preparedQuery(LEAVE_GROUPS).execute(Tuple.of(submissionId)))
                .chain(() -> tx.preparedQuery(REPLACE).execute(Tuple.of(tenant, submissionId, answer)))
                .map(replaced -> corrected(replaced.iterator().next()))
                .invoke(corrected -> audit.record(events, tenant, "submission.answer-replaced", "submission",
                        submissionId, who, AuditTrail.fields("version", version),
                        AuditTrail.fields("version", corrected.version())));
    }

    /** The submission's current version and every answer it replaced, oldest first. 404 when there is none. */
    public Uni<History> history(String tenant, UUID submissionId) {
        return pool.preparedQuery(HISTORY).execute(Tuple.of(tenant, submissionId)).map(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ZhiyueException.notFound("submission", submissionId);
            }
            int version = rows.iterator().next().getInteger("current");
            List<PriorVersion> versions = new ArrayList<>();
            for (Row row : rows) {
                if (row.getInteger("version") != null) {
                    versions.add(new PriorVersion(row.getInteger("version"), row.getString("answer"),
                            row.getOffsetDateTime("replaced_at"), row.getString("replaced_by"), row.getString("reason")));
                }
            }
            return new History(submissionId, version, versions);
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
