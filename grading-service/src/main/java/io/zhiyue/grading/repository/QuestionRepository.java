package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.grader.Rubric;
import io.zhiyue.grading.grader.RubricHashes;
import io.zhiyue.grading.grader.ScoringPoint;
import io.zhiyue.grading.model.Marking;
import io.zhiyue.grading.model.Question;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class QuestionRepository {

    private final Pool pool;

    public QuestionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the question with rubric version 1, in the caller's transaction. */
    public Uni<Question> insert(SqlConnection tx, String tenant, UUID examId, int number, String prompt,
            BigDecimal maxScore, BigDecimal scoreStep, Rubric rubric, String referenceAnswer, Marking marking) {
        UUID questionId = UUID.randomUUID();
        return tx.preparedQuery(SqlQueries.INSERT_QUESTION)
                .execute(Tuple.from(Arrays.asList(questionId, tenant, examId, number, prompt, maxScore, scoreStep,
                        referenceAnswer, marking.mode(), marking.autoAccept().enabled(),
                        marking.autoAccept().minConfidence(), marking.autoAccept().auditRate(),
                        marking.doubleMarking().enabled(), marking.doubleMarking().tolerance())))
                .chain(() -> insertRubric(tx, tenant, questionId, 1, rubric))
                .chain(() -> find(tx, tenant, questionId));
    }

    /** A question as it was and as it is after a change (the same when nothing changed). */
    public record Change(Question before, Question after) {

        public boolean newRubricVersion() {
            return after.rubricVersion() != before.rubricVersion();
        }
    }

    /**
     * Stores a new rubric version and makes it current, in the caller's transaction; used versions
     * stay untouched. An identical rubric (same content hash) is not a new version. Null when there
     * is no such question.
     */
    public Uni<Change> replaceRubric(SqlConnection tx, String tenant, UUID questionId, Rubric rubric) {
        return tx.preparedQuery(SqlQueries.FIND_QUESTION_FOR_UPDATE)
                .execute(Tuple.of(tenant, questionId))
                .map(rows -> Rows.first(rows, QuestionRepository::question))
                .chain(current -> {
                    if (current == null) {
                        return Uni.createFrom().nullItem();
                    }
                    if (current.contentHash().equals(RubricHashes.contentHash(rubric))) {
                        return Uni.createFrom().item(new Change(current, current));
                    }
                    return insertRubric(tx, tenant, questionId, current.rubricVersion() + 1, rubric)
                            .chain(() -> find(tx, tenant, questionId))
                            .map(replaced -> new Change(current, replaced));
                });
    }

    /** Turns auto-accept of the question on or off, in the caller's transaction; null when there is no such question. */
    public Uni<Change> setAutoAccept(SqlConnection tx, String tenant, UUID questionId, boolean enabled) {
        return tx.preparedQuery(SqlQueries.FIND_QUESTION_FOR_UPDATE).execute(Tuple.of(tenant, questionId))
                .map(rows -> Rows.first(rows, QuestionRepository::question))
                .chain(current -> current == null ? Uni.createFrom().<Change>nullItem()
                        : tx.preparedQuery(SqlQueries.SET_AUTO_ACCEPT).execute(Tuple.of(tenant, questionId, enabled))
                                .chain(() -> find(tx, tenant, questionId))
                                .map(updated -> new Change(current, updated)));
    }

    public Uni<Question> find(String tenant, UUID questionId) {
        return pool.withConnection(connection -> find(connection, tenant, questionId));
    }

    public Uni<List<Question>> list(String tenant, UUID examId) {
        return pool.preparedQuery(SqlQueries.LIST_QUESTIONS).execute(Tuple.of(tenant, examId))
                .map(rows -> Rows.all(rows, QuestionRepository::question));
    }

    /** Question number → question id for one exam. */
    public Uni<Map<Integer, UUID>> numbers(String tenant, UUID examId) {
        return pool.preparedQuery(SqlQueries.QUESTION_NUMBERS).execute(Tuple.of(tenant, examId))
                .map(rows -> {
                    Map<Integer, UUID> numbers = new HashMap<>();
                    for (Row row : rows) {
                        numbers.put(row.getInteger("number"), row.getUUID("id"));
                    }
                    return numbers;
                });
    }

    private Uni<Question> find(SqlConnection connection, String tenant, UUID questionId) {
        return connection.preparedQuery(SqlQueries.FIND_QUESTION).execute(Tuple.of(tenant, questionId))
                .map(rows -> Rows.first(rows, QuestionRepository::question));
    }

    private Uni<Void> insertRubric(SqlConnection connection, String tenant, UUID questionId, int version,
            Rubric rubric) {
        UUID rubricId = UUID.randomUUID();
        List<ScoringPoint> points = rubric.points();
        Integer[] positions = new Integer[points.size()];
        String[] ids = new String[points.size()];
        String[] descriptions = new String[points.size()];
        String[] values = new String[points.size()];
        String[] matches = new String[points.size()];
        for (int i = 0; i < points.size(); i++) {
            ScoringPoint point = points.get(i);
            positions[i] = i;
            ids[i] = point.id();
            descriptions[i] = point.description();
            values[i] = point.points().toPlainString();
            matches[i] = JsonCodec.write(point.match());
        }
        Tuple rubricRow = Tuple.from(List.of(rubricId, tenant, questionId, version, JsonCodec.write(rubric),
                RubricHashes.contentHash(rubric), RubricHashes.structureHash(rubric), RubricHashes.matchHash(rubric)));
        return connection.preparedQuery(SqlQueries.INSERT_RUBRIC).execute(rubricRow)
                .chain(() -> connection.preparedQuery(SqlQueries.INSERT_SCORING_POINTS)
                        .execute(Tuple.of(rubricId, positions, ids, descriptions, values, matches)))
                .chain(() -> connection.preparedQuery(SqlQueries.SET_CURRENT_RUBRIC)
                        .execute(Tuple.of(tenant, questionId, rubricId)))
                .replaceWithVoid();
    }

    private static Question question(Row row) {
        return new Question(
                row.getUUID("id"),
                row.getUUID("exam_id"),
                row.getInteger("number"),
                row.getString("prompt"),
                row.getBigDecimal("max_score"),
                row.getBigDecimal("score_step"),
                row.getInteger("version"),
                row.getString("content_hash"),
                row.getString("structure_hash"),
                JsonCodec.read(row.getString("content"), Rubric.class),
                row.getString("reference_answer"),
                new Marking(row.getString("marking_mode"),
                        new Marking.AutoAccept(row.getBoolean("auto_accept"), row.getBigDecimal("min_confidence"),
                                row.getBigDecimal("audit_rate")),
                        new Marking.DoubleMarking(row.getBoolean("double_marking"), row.getBigDecimal("tolerance"))));
    }
}
