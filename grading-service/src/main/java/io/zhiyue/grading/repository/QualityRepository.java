package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.marking.BlindCheck;
import io.zhiyue.grading.marking.DecisionCounts;
import io.zhiyue.shared.job.JobState;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the AI quality figures are computed from: blind checks and how proposals ended. */
@ApplicationScoped
public class QualityRepository {

    /** A blind check, and whether it was made since auto-accept was last turned on for its question. */
    public record TimedCheck(BlindCheck check, boolean sinceAutoAcceptOn) {
    }

    /** The states in which a job still marks answers: the alert stops auto-accept in those too. */
    private static final String[] OPEN = Rows.stateNames(JobState.matching(state -> !state.isFinal()));

    private final Pool pool;

    public QualityRepository(Pool pool) {
        this.pool = pool;
    }

    /** The exam's blind checks by question. */
    public Uni<Map<UUID, List<TimedCheck>>> examChecks(String tenant, UUID examId) {
        return pool.preparedQuery(SqlQueries.EXAM_BLIND_CHECKS).execute(Tuple.of(tenant, examId)).map(rows -> {
            Map<UUID, List<TimedCheck>> checks = new HashMap<>();
            for (Row row : rows) {
                checks.computeIfAbsent(row.getUUID("question_id"), id -> new ArrayList<>())
                        .add(new TimedCheck(check(row), row.getBoolean("since_auto_accept_on")));
            }
            return checks;
        });
    }

    /** The question's blind checks since auto-accept was last turned on, as the transaction sees them. */
    public Uni<List<BlindCheck>> checksSinceAutoAcceptOn(SqlConnection tx, String tenant, UUID questionId) {
        Tuple question = Tuple.of(tenant, questionId);
        // the question row is the turnstile: a concurrent check commits before this one counts, or after
        return tx.preparedQuery(SqlQueries.LOCK_QUESTION).execute(question)
                .chain(() -> tx.preparedQuery(SqlQueries.QUESTION_BLIND_CHECKS_SINCE).execute(question))
                .map(rows -> Rows.all(rows, QualityRepository::check));
    }

    public Uni<Map<UUID, DecisionCounts>> decisionCounts(String tenant, UUID examId) {
        return pool.preparedQuery(SqlQueries.DECISION_COUNTS).execute(Tuple.of(tenant, examId)).map(rows -> {
            Map<UUID, DecisionCounts> counts = new HashMap<>();
            for (Row row : rows) {
                counts.put(row.getUUID("question_id"), new DecisionCounts(row.getLong("proposals"),
                        row.getLong("auto_accepted"), row.getLong("human_decided"), row.getLong("overridden")));
            }
            return counts;
        });
    }

    /** Stops auto-accept on the question and in its open jobs; false when it was stopped already. */
    public Uni<Boolean> stopAutoAccept(SqlConnection tx, String tenant, UUID questionId) {
        return tx.preparedQuery(SqlQueries.STOP_AUTO_ACCEPT).execute(Tuple.of(tenant, questionId, OPEN))
                .map(rows -> rows.size() > 0);
    }

    private static BlindCheck check(Row row) {
        return new BlindCheck(row.getBigDecimal("ai_score"), row.getBigDecimal("human_score"));
    }
}
