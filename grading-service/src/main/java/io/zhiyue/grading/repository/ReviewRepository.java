package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.marking.Mark;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.model.GradingResult.PointOutcome;
import io.zhiyue.shared.api.PageResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The review queue: items, the marks people made on them, and what a resolving mark changes. */
@ApplicationScoped
public class ReviewRepository {

    /**
     * An item as stored, with the grader's proposal for its answer (score null: none). {@code audit}:
     * an AUTO_ACCEPTED answer drawn for the audit sample, marked once and blind.
     */
    public record ReviewRow(UUID id, UUID examId, UUID jobId, UUID submissionId, UUID questionId, int questionNumber,
            String state, boolean doubleMarking, boolean audit, BigDecimal tolerance, BigDecimal maxScore,
            BigDecimal scoreStep, BigDecimal finalScore, OffsetDateTime createdAt, String answer,
            BigDecimal proposedScore, BigDecimal confidence, String graderId, List<PointOutcome> points,
            OffsetDateTime proposedAt, String jobState, String leasedTo, OffsetDateTime leasedAt,
            OffsetDateTime leaseExpiresAt) {

        /** The same item in another state. */
        public ReviewRow with(String newState, BigDecimal newFinalScore) {
            return new ReviewRow(id, examId, jobId, submissionId, questionId, questionNumber, newState, doubleMarking,
                    audit, tolerance, maxScore, scoreStep, newFinalScore, createdAt, answer, proposedScore, confidence,
                    graderId, points, proposedAt, jobState, leasedTo, leasedAt, leaseExpiresAt);
        }

        /** Whether a marker sees no proposal until their own mark is stored. */
        public boolean blind() {
            return doubleMarking || audit;
        }
    }

    /**
     * What a marker's view of a review item beyond the item needs (its nearest exemplars, the LLM's explanation): its
     * answer, submission and version, and whether it is blind (or resolved).
     */
    public record ItemVersion(UUID examId, UUID jobId, UUID submissionId, int questionNumber, boolean blind,
            String answer, UUID rubricId) {
    }

    /**
     * What a mark changed: the job with its counters moved when the mark made a waiting answer final
     * (null otherwise), whether the answer's final score changed (an audit override counts too), and the
     * teacher mark that keeps the final score for later jobs, when the mark made one.
     */
    public record Marked(GradingJob job, boolean scoreChanged, UUID teacherMark) {

        static final Marked NOTHING = new Marked(null, false, null);
    }

    private static final ListQuery.Column CREATED = new ListQuery.Column("i.created_at", "created_at", ListQuery.Type.TIMESTAMP);
    private static final ListQuery.Column ID = new ListQuery.Column("i.id", "id", ListQuery.Type.UUID);
    private static final ListQuery.Column QUESTION = new ListQuery.Column("i.question_number", "question_number", ListQuery.Type.INT);
    private static final ListQuery.Column STATE = new ListQuery.Column("i.state", "state", ListQuery.Type.TEXT);
    private static final ListQuery.Column JOB = new ListQuery.Column("i.job_id", "job_id", ListQuery.Type.UUID);

    /** Oldest first: a stable order in which every marker meets the items of a question. */
    public static final ListQuery.Spec LIST_SPEC = new ListQuery.Spec(
            Map.of("createdAt", CREATED),
            Map.of("questionNumber", QUESTION, "question_number", QUESTION, "state", STATE, "jobId", JOB,
                    "job_id", JOB),
            Set.of("id", "examId", "jobId", "questionNumber", "state", "doubleMarking", "audit", "answer", "maxScore",
                    "scoreStep", "proposal", "marks", "finalScore", "createdAt", "leaseExpiresAt"),
            CREATED, ID);

    private final Pool pool;

    public ReviewRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<PageResponse<ReviewRow>> list(String tenant, UUID examId, ListQuery query) {
        return Rows.page(pool, SqlQueries.LIST_REVIEW_ITEMS, SqlQueries.COUNT_REVIEW_ITEMS, List.of(tenant, examId),
                query, ID, ReviewRepository::row);
    }

    /** The item's answer, job and question version; null when the tenant has no such item. */
    public Uni<ItemVersion> version(String tenant, UUID itemId) {
        return pool.preparedQuery(SqlQueries.REVIEW_ITEM_VERSION).execute(Tuple.of(tenant, itemId))
                .map(rows -> Rows.first(rows, row -> new ItemVersion(row.getUUID("exam_id"), row.getUUID("job_id"),
                        row.getUUID("submission_id"), row.getInteger("question_number"), row.getBoolean("blind"),
                        row.getString("answer"), row.getUUID("rubric_id"))));
    }

    /** The item, locked until the transaction ends; null when the tenant has no such item. */
    public Uni<ReviewRow> lock(SqlConnection tx, String tenant, UUID itemId) {
        return tx.preparedQuery(SqlQueries.LOCK_REVIEW_ITEM).execute(Tuple.of(tenant, itemId))
                .map(rows -> Rows.first(rows, ReviewRepository::row));
    }

    /**
     * The next item of the marker's queue, leased to them for {@code leaseSeconds}; null when their
     * queue is empty. {@code questions}: the question numbers they mark (null: all).
     */
    public Uni<ReviewRow> leaseNext(SqlConnection tx, String tenant, UUID examId, String markerId, Integer[] questions,
            boolean chief, int leaseSeconds) {
        return tx.preparedQuery(SqlQueries.NEXT_REVIEW_ITEM)
                .execute(Tuple.from(Arrays.asList(tenant, examId, markerId, questions, chief)))
                .chain(rows -> {
                    UUID id = Rows.first(rows, row -> row.getUUID("id"));
                    return id == null ? Uni.createFrom().nullItem() : leaseAndRead(tx, tenant, id, markerId, leaseSeconds);
                });
    }

    /** Leases the item to the marker and answers it as it is now. */
    public Uni<ReviewRow> leaseAndRead(SqlConnection tx, String tenant, UUID itemId, String markerId, int leaseSeconds) {
        return tx.preparedQuery(SqlQueries.LEASE_REVIEW_ITEM).execute(Tuple.of(itemId, markerId, leaseSeconds))
                .chain(() -> lock(tx, tenant, itemId));
    }

    /**
     * One of the marker's marked items served to them again (回评) when their marks call for one
     * ({@code recheck_every}); null when none is due or none is left.
     */
    public Uni<UUID> serveRecheckIfDue(SqlConnection tx, String tenant, UUID examId, String markerId) {
        return tx.preparedQuery(SqlQueries.RECHECK_DUE).execute(Tuple.of(tenant, examId, markerId)).chain(rows -> {
            Row due = Rows.first(rows, row -> row);
            if (due == null || due.getLong("marked") < (due.getLong("served") + 1) * due.getInteger("recheck_every")) {
                return Uni.createFrom().nullItem();
            }
            return tx.preparedQuery(SqlQueries.SERVE_RECHECK).execute(Tuple.of(tenant, examId, markerId))
                    .map(served -> Rows.first(served, row -> row.getUUID("review_item_id")));
        });
    }

    /** The marker's first score of an item served to them again and not marked again yet; null: none open. */
    public Uni<BigDecimal> openRecheck(SqlConnection tx, UUID itemId, String markerId) {
        return tx.preparedQuery(SqlQueries.OPEN_RECHECK).execute(Tuple.of(itemId, markerId))
                .map(rows -> Rows.first(rows, row -> row.getBigDecimal("first_score")));
    }

    public Uni<Void> markRecheck(SqlConnection tx, UUID itemId, String markerId, BigDecimal score) {
        return tx.preparedQuery(SqlQueries.MARK_RECHECK).execute(Tuple.of(itemId, markerId, score)).replaceWithVoid();
    }

    /** People's marks on the item, in the order they were stored. */
    public Uni<List<Mark>> marks(SqlConnection tx, UUID itemId) {
        return tx.preparedQuery(SqlQueries.REVIEW_MARKS).execute(Tuple.of(itemId))
                .map(rows -> Rows.all(rows, row -> row.getBoolean("chief")
                        ? Mark.chief(row.getString("marker_id"), row.getBigDecimal("score"), row.getOffsetDateTime("created_at"))
                        : Mark.human(row.getString("marker_id"), row.getBigDecimal("score"),
                                row.getOffsetDateTime("created_at"))));
    }

    /**
     * Stores a person's mark (with their per-point decisions as JSON, null: none) and the item's
     * state after it; a resolving mark also makes the result final and answers what changed.
     */
    public Uni<Marked> mark(SqlConnection tx, ReviewRow item, Mark mark, String reason, String points, String state,
            BigDecimal finalScore, OffsetDateTime startedAt) {
        Uni<Void> stored = tx.preparedQuery(SqlQueries.INSERT_REVIEW_MARK)
                .execute(Tuple.from(Arrays.asList(item.id(), mark.markerId(), mark.chief(), mark.score(), reason,
                        startedAt, points)))
                .chain(() -> tx.preparedQuery(SqlQueries.UPDATE_REVIEW_ITEM).execute(Tuple.of(item.id(), state, finalScore)))
                .replaceWithVoid();
        if (finalScore == null) {
            return stored.replaceWith(Marked.NOTHING);
        }
        Tuple result = Tuple.of(item.jobId(), item.submissionId(), finalScore);
        // the final score people gave is a human mark under this version: later jobs take it
        Uni<UUID> kept = stored.chain(() -> tx.preparedQuery(SqlQueries.KEEP_REVIEWED_MARK).execute(Tuple.of(
                item.jobId(), item.submissionId(), item.examId(), finalScore, mark.markerId())))
                .map(rows -> Rows.first(rows, row -> row.getUUID("id")));
        if (item.audit()) {
            // an audited answer was final already: the job's counters stay, the score may change
            return kept.chain(teacherMark -> tx.preparedQuery(SqlQueries.OVERRIDE_AUDITED_RESULT).execute(result)
                    .map(rows -> new Marked(null, rows.size() > 0, teacherMark)));
        }
        return kept.chain(teacherMark -> tx.preparedQuery(SqlQueries.COUNT_REVIEWED)
                .execute(Tuple.of(item.jobId(), item.submissionId()))
                .map(rows -> Rows.first(rows, Rows::job))
                .call(() -> tx.preparedQuery(SqlQueries.RESOLVE_RESULT).execute(result))
                .map(job -> new Marked(job, job != null, teacherMark)));
    }

    /**
     * A mark a compensation takes back ({@code sagaId}: the saga it started): the item goes back to {@code itemState}
     * with {@code itemFinal}; {@code counted}: the mark had counted the answer graded in its job; {@code teacherMark}:
     * the teacher mark it kept (null: none); the answer's result is back at {@code restoredScore} (null: none) with
     * {@code restoredStatus}.
     */
    public record MarkWithdrawal(UUID sagaId, UUID itemId, String markerId, String itemState, BigDecimal itemFinal,
            boolean counted, UUID teacherMark, BigDecimal restoredScore, String restoredStatus) {
    }

    /**
     * Takes the mark back: its row moves to the withdrawn marks (a later mark of the same marker, who saw the item
     * resolved, is never a blind check again), their 回评 of it goes, the item is back as it was, the teacher mark it
     * kept is forgotten, and (when it had counted the answer graded) the job's counters are back; answers the job
     * then, null when its counters did not move.
     */
    public Uni<GradingJob> withdraw(SqlConnection tx, UUID jobId, MarkWithdrawal withdrawal) {
        Uni<Void> done = tx.preparedQuery(SqlQueries.WITHDRAW_REVIEW_MARK)
                .execute(Tuple.of(withdrawal.itemId(), withdrawal.markerId(), withdrawal.sagaId()))
                .chain(() -> tx.preparedQuery(SqlQueries.FORGET_RECHECK)
                        .execute(Tuple.of(withdrawal.itemId(), withdrawal.markerId())))
                .chain(() -> tx.preparedQuery(SqlQueries.REOPEN_REVIEW_ITEM).execute(Tuple.of(withdrawal.itemId(),
                        withdrawal.itemState(), withdrawal.itemFinal())))
                .replaceWithVoid();
        if (withdrawal.teacherMark() != null) {
            done = done.call(() -> tx.preparedQuery(SqlQueries.FORGET_REVIEWED_MARK)
                    .execute(Tuple.of(withdrawal.teacherMark())));
        }
        return withdrawal.counted()
                ? done.chain(() -> tx.preparedQuery(SqlQueries.UNCOUNT_REVIEWED).execute(Tuple.of(jobId)))
                        .map(rows -> Rows.first(rows, Rows::job))
                : done.replaceWith((GradingJob) null);
    }

    /** Whether the marker had a mark on the item taken back: they saw it resolved, so they mark it knowing. */
    public Uni<Boolean> hadWithdrawn(SqlConnection tx, UUID itemId, String markerId) {
        return tx.preparedQuery(SqlQueries.HAD_WITHDRAWN_MARK).execute(Tuple.of(itemId, markerId))
                .map(rows -> rows.size() > 0);
    }

    private static ReviewRow row(Row row) {
        String points = row.getString("points");
        return new ReviewRow(row.getUUID("id"), row.getUUID("exam_id"), row.getUUID("job_id"),
                row.getUUID("submission_id"), row.getUUID("question_id"), row.getInteger("question_number"),
                row.getString("state"), row.getBoolean("double_marking"), row.getBoolean("audit"),
                row.getBigDecimal("tolerance"), row.getBigDecimal("max_score"),
                row.getBigDecimal("score_step"), row.getBigDecimal("final_score"), row.getOffsetDateTime("created_at"),
                row.getString("answer"), row.getBigDecimal("proposed_score"), row.getBigDecimal("confidence"),
                row.getString("grader_id"), Rows.points(points),
                row.getOffsetDateTime("proposed_at"), row.getString("job_state"), row.getString("leased_to"),
                row.getOffsetDateTime("leased_at"), row.getOffsetDateTime("lease_expires_at"));
    }
}
