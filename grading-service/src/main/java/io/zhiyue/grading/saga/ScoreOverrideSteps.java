package io.zhiyue.grading.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.repository.ReviewRepository.MarkWithdrawal;
import io.zhiyue.grading.service.ReviewService;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.ScoreChanged;
import io.zhiyue.shared.event.UserNotification;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.OutboxEvents;
import io.zhiyue.streams.saga.SagaParticipant;
import io.zhiyue.streams.saga.SagaStep;
import io.zhiyue.streams.saga.SagaStepRefused;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * grading-service's steps of the score-override saga, served through shared-streams' participant piece (participant
 * {@value #PARTICIPANT}): {@code override-score} writes the new final score with its history and is compensated by
 * restoring the previous one (the history row says it was undone) — refused, so the saga waits for an operator,
 * when a later override changed the score since; {@code notify} (retriable, never compensated)
 * puts SCORE_CHANGED and a USER_NOTIFICATION for the exam's and the student's channels in the outbox.
 */
@ApplicationScoped
public class ScoreOverrideSteps {

    public static final String PARTICIPANT = "grading-service";

    private static final String LOCK_RESULT = """
            SELECT final_score, final_source, review_status, reuse_version, reuse_key FROM results
            WHERE tenant_id = $1 AND job_id = $2 AND submission_id = $3 AND status = 'DONE' FOR UPDATE""";
    private static final String RECORD = """
            INSERT INTO score_overrides (saga_id, tenant_id, job_id, submission_id, old_score, old_source,
                                         old_review_status, new_score, reason, overridden_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";
    private static final String SET_FINAL = """
            UPDATE results SET final_score = $4, final_source = $5, review_status = $6
            WHERE tenant_id = $1 AND job_id = $2 AND submission_id = $3""";
    private static final String UNDO = """
            UPDATE score_overrides SET undone_at = now() WHERE saga_id = $1 AND undone_at IS NULL
            RETURNING id, tenant_id, job_id, submission_id, old_score, old_source, old_review_status, new_score,
                      review_item_id, review_marker_id, review_old_state, review_old_final, counted, teacher_mark_id""";
    /**
     * The previous score back, only while the result still holds this override's score and no later override of
     * the answer stands (one to the same score included; every override and every mark that starts this saga
     * leaves the result HUMAN).
     */
    private static final String RESTORE = """
            UPDATE results r SET final_score = $4, final_source = $5, review_status = $6
            WHERE r.tenant_id = $1 AND r.job_id = $2 AND r.submission_id = $3 AND r.final_score = $7
              AND r.final_source = 'HUMAN'
              AND NOT EXISTS (SELECT 1 FROM score_overrides o WHERE o.job_id = $2 AND o.submission_id = $3
                                                               AND o.id > $8 AND o.undone_at IS NULL)""";

    void serve(@Observes StartupEvent event, SagaParticipant participant, ReviewService reviews, AuditTrail audit) {
        participant.serve(PARTICIPANT, Map.of("override-score", new OverrideScore(reviews, audit),
                "notify", new Notify()));
    }

    /**
     * The new final score, HUMAN, with the one it replaced kept in {@code score_overrides}. A review-queue mark
     * ({@code data.review}) is this step applied with the mark ({@link ScoreOverrides#markApplied}); its
     * compensation takes the mark back too and puts the item back in the queue as it was.
     */
    static final class OverrideScore implements SagaStep {

        private final ReviewService reviews;
        private final AuditTrail audit;

        OverrideScore(ReviewService reviews, AuditTrail audit) {
            this.reviews = reviews;
            this.audit = audit;
        }

        @Override
        public Uni<JsonNode> forward(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            JsonNode data = command.data();
            UUID jobId = UUID.fromString(data.path("jobId").asText());
            UUID submissionId = UUID.fromString(data.path("submissionId").asText());
            BigDecimal score = data.path("score").decimalValue();
            if (data.has("review")) {
                // a review mark is this step, applied with the mark: never sent again
                throw new SagaStepRefused("a review mark's score is applied with the mark; mark the item again");
            }
            return tx.preparedQuery(LOCK_RESULT).execute(Tuple.of(command.tenantId(), jobId, submissionId))
                    .chain(rows -> {
                        if (!rows.iterator().hasNext()) {
                            throw new SagaStepRefused("submission " + submissionId + " has no result in job " + jobId);
                        }
                        Row row = rows.iterator().next();
                        BigDecimal old = row.getBigDecimal("final_score");
                        if (old == null) {
                            throw new SagaStepRefused("submission " + submissionId + " has no final score");
                        }
                        JsonNode result = JsonCodec.mapper().createObjectNode().put("previousScore", old)
                                .put("reuseVersion", row.getString("reuse_version"))
                                .put("reuseKey", row.getString("reuse_key"));
                        return tx.preparedQuery(RECORD).execute(Tuple.from(List.of(command.sagaId(),
                                        command.tenantId(), jobId, submissionId, old, row.getString("final_source"),
                                        row.getString("review_status"), score, data.path("reason").asText(),
                                        data.path("by").asText("teacher"))))
                                .chain(() -> tx.preparedQuery(SET_FINAL).execute(Tuple.from(List.of(
                                        command.tenantId(), jobId, submissionId, score, "HUMAN", "HUMAN"))))
                                .invoke(() -> audit.record(events, command.tenantId(), "score.overridden",
                                        "submission", submissionId, data.path("by").asText("teacher"),
                                        AuditTrail.fields("score", old), AuditTrail.fields("score", score, "jobId", jobId,
                                                "sagaId", command.sagaId())))
                                .replaceWith(result);
                    });
        }

        @Override
        public Uni<JsonNode> compensate(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            return tx.preparedQuery(UNDO).execute(Tuple.of(command.sagaId())).chain(rows -> {
                if (!rows.iterator().hasNext()) {
                    // nothing of this saga was written here: nothing to restore
                    return Uni.createFrom().item((JsonNode) null);
                }
                Row row = rows.iterator().next();
                String tenant = row.getString("tenant_id");
                UUID itemId = row.getUUID("review_item_id");
                // a mark is taken back first, in a mark's own lock order (item, job, result), so the two never
                // wait on each other; a refused restore rolls it back with everything else
                Uni<Void> withdrawn = itemId == null ? Uni.createFrom().voidItem()
                        : reviews.withdrawMark(tx, events, tenant, new MarkWithdrawal(command.sagaId(), itemId,
                                row.getString("review_marker_id"), row.getString("review_old_state"),
                                row.getBigDecimal("review_old_final"), row.getBoolean("counted"),
                                row.getUUID("teacher_mark_id"), row.getBigDecimal("old_score"),
                                row.getString("old_review_status")));
                // the result locked before RESTORE reads score_overrides: a later override that held it has
                // committed its history row by then, and RESTORE's own snapshot sees it
                return withdrawn.chain(() -> tx.preparedQuery(LOCK_RESULT).execute(Tuple.of(tenant,
                                row.getUUID("job_id"), row.getUUID("submission_id"))))
                        .chain(() -> tx.preparedQuery(RESTORE).execute(Tuple.from(Arrays.asList(tenant,
                                row.getUUID("job_id"), row.getUUID("submission_id"), row.getBigDecimal("old_score"),
                                row.getString("old_source"), row.getString("old_review_status"),
                                row.getBigDecimal("new_score"), row.getLong("id")))))
                        .map(updated -> {
                            if (updated.rowCount() == 0) {
                                // a later override (or mark) changed the score since: restoring would lose it
                                throw new SagaStepRefused("the score was changed again after this override; "
                                        + "an operator decides what it should be");
                            }
                            // the saga's compensation undoes it: no caller, the service itself
                            audit.record(events, tenant, itemId == null ? "score.override.undone"
                                            : "score.review-mark.withdrawn", "submission", row.getUUID("submission_id"),
                                    null, AuditTrail.fields("score", row.getBigDecimal("new_score")),
                                    AuditTrail.fields("score", row.getBigDecimal("old_score"), "sagaId", command.sagaId()));
                            return (JsonNode) JsonCodec.mapper().createObjectNode()
                                    .put("restored", row.getBigDecimal("old_score"));
                        });
            });
        }
    }

    /** SCORE_CHANGED on the job's and exam's channels, and the notification for the exam and the student. */
    static final class Notify implements SagaStep {

        @Override
        public Uni<JsonNode> forward(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            JsonNode data = command.data();
            UUID jobId = UUID.fromString(data.path("jobId").asText());
            UUID examId = UUID.fromString(data.path("examId").asText());
            int question = data.path("questionNumber").asInt();
            BigDecimal score = data.path("score").decimalValue();
            JsonNode previous = data.path("results").path("override-score").path("previousScore");
            Instant now = Instant.now();
            if (!data.has("review")) {
                // a review mark announced its score change with the mark, as every mark does
                events.add(Streams.EVENTS, Envelope.of(EventType.SCORE_CHANGED, command.tenantId(),
                        "override:" + command.sagaId(), new ScoreChanged(jobId, examId, question, score, "HUMAN", now),
                        null));
            }
            events.add(Streams.EVENTS, Envelope.of(EventType.USER_NOTIFICATION, command.tenantId(),
                    "override-notice:" + command.sagaId(), new UserNotification(UserNotification.SCORE_OVERRIDDEN,
                            examId, jobId, UUID.fromString(data.path("submissionId").asText()),
                            data.path("studentId").asText(), question, score,
                            previous.isNumber() ? previous.decimalValue() : null, data.path("reason").asText(), now),
                    null));
            return Uni.createFrom().item(JsonCodec.mapper().createObjectNode().put("notified", true));
        }
    }
}
