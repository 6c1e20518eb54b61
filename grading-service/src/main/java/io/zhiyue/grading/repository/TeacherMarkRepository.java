package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.marking.ScoreScale;
import io.zhiyue.grading.model.MarkInput;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Teacher marks: every mark kept; a job takes the latest one under its question version. */
@ApplicationScoped
public class TeacherMarkRepository {

    /** A question's number, id and scale, as a mark for it is checked against. */
    public record QuestionScale(int number, UUID questionId, ScoreScale scale) {
    }

    private final Pool pool;

    public TeacherMarkRepository(Pool pool) {
        this.pool = pool;
    }

    /** The exam's questions by number. */
    public Uni<Map<Integer, QuestionScale>> scales(String tenant, UUID examId) {
        return pool.preparedQuery(SqlQueries.QUESTION_SCALES).execute(Tuple.of(tenant, examId)).map(rows -> {
            Map<Integer, QuestionScale> scales = new HashMap<>();
            for (Row row : rows) {
                int number = row.getInteger("number");
                scales.put(number, new QuestionScale(number, row.getUUID("id"),
                        new ScoreScale(row.getBigDecimal("max_score"), row.getBigDecimal("score_step"))));
            }
            return scales;
        });
    }

    /**
     * Stores the marks whose student answered their question (under the question's current
     * version); answers the ids stored, so the caller can report the others.
     */
    public Uni<Set<UUID>> insertAll(SqlConnection connection, String tenant, UUID examId, List<MarkInput> marks,
            List<UUID> ids) {
        int n = marks.size();
        String[] students = new String[n];
        Integer[] numbers = new Integer[n];
        String[] scores = new String[n];
        String[] points = new String[n];
        String[] markers = new String[n];
        String[] comments = new String[n];
        for (int i = 0; i < n; i++) {
            MarkInput mark = marks.get(i);
            students[i] = mark.studentId();
            numbers[i] = mark.questionNumber();
            scores[i] = mark.score().toPlainString();
            points[i] = mark.points() == null ? null : mark.points().toString();
            markers[i] = mark.markerId();
            comments[i] = mark.comment();
        }
        return connection.preparedQuery(SqlQueries.INSERT_TEACHER_MARKS)
                .execute(Tuple.from(Arrays.asList(tenant, examId, ids.toArray(new UUID[0]), students, numbers, scores,
                        points, markers, comments)))
                .map(rows -> {
                    Set<UUID> stored = new HashSet<>();
                    for (Row row : rows) {
                        stored.add(row.getUUID("id"));
                    }
                    return stored;
                });
    }
}
