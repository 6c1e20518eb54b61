package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.Submission;
import io.zhiyue.shared.api.PageResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class SubmissionRepository {

    private static final ListQuery.Column ID = new ListQuery.Column("id", "id", ListQuery.Type.UUID);
    private static final ListQuery.Column STUDENT = new ListQuery.Column("student_id", "student_id", ListQuery.Type.TEXT);
    private static final ListQuery.Column QUESTION = new ListQuery.Column("question_number", "question_number", ListQuery.Type.INT);
    private static final ListQuery.Column CREATED_AT = new ListQuery.Column("created_at", "created_at", ListQuery.Type.TIMESTAMP);

    public static final ListQuery.Spec LIST_SPEC = new ListQuery.Spec(
            Map.of("studentId", STUDENT, "student_id", STUDENT, "questionNumber", QUESTION,
                    "question_number", QUESTION, "createdAt", CREATED_AT, "created_at", CREATED_AT),
            Map.of("studentId", STUDENT, "student_id", STUDENT, "questionNumber", QUESTION,
                    "question_number", QUESTION),
            Set.of("id", "studentId", "questionNumber", "answer", "createdAt"),
            CREATED_AT, ID);

    /** One row to insert; {@code row} is the upload row number, for the report. */
    public record NewSubmission(int row, UUID questionId, String studentId, int questionNumber, String answer) {
    }

    private final Pool pool;

    public SubmissionRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Inserts all rows in one statement; rows that already exist (same student and question) are
     * left as they are. Answers the ids of the rows actually inserted.
     */
    public Uni<Set<UUID>> insertAll(SqlConnection tx, String tenant, UUID examId, UUID uploadId,
            List<NewSubmission> rows, List<UUID> ids) {
        int n = rows.size();
        UUID[] idArray = ids.toArray(new UUID[0]);
        UUID[] questionIds = new UUID[n];
        String[] students = new String[n];
        Integer[] numbers = new Integer[n];
        String[] answers = new String[n];
        for (int i = 0; i < n; i++) {
            NewSubmission row = rows.get(i);
            questionIds[i] = row.questionId();
            students[i] = row.studentId();
            numbers[i] = row.questionNumber();
            answers[i] = row.answer();
        }
        return tx.preparedQuery(SqlQueries.INSERT_SUBMISSIONS)
                .execute(Tuple.from(List.of(tenant, examId, idArray, questionIds, students, numbers, answers, uploadId)))
                .map(result -> {
                    Set<UUID> inserted = new HashSet<>();
                    for (Row row : result) {
                        inserted.add(row.getUUID("id"));
                    }
                    return inserted;
                });
    }

    public Uni<Long> count(String tenant, UUID examId) {
        return pool.preparedQuery(SqlQueries.COUNT_SUBMISSIONS).execute(Tuple.of(tenant, examId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<PageResponse<Submission>> list(String tenant, UUID examId, ListQuery query) {
        return Rows.page(pool, SqlQueries.LIST_SUBMISSIONS, SqlQueries.COUNT_SUBMISSIONS, List.of(tenant, examId),
                query, ID, row -> new Submission(row.getUUID("id"), row.getString("student_id"),
                        row.getInteger("question_number"), row.getString("answer"),
                        row.getOffsetDateTime("created_at")));
    }
}
