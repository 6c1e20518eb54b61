package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.ExamRelease;
import io.zhiyue.grading.model.StudentResults;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Exam releases and what a student sees of the released exams. */
@ApplicationScoped
public class ReleaseRepository {

    private final Pool pool;

    public ReleaseRepository(Pool pool) {
        this.pool = pool;
    }

    /** The new release of the tenant's exam; null when there is no such exam or it was released already. */
    public Uni<ExamRelease> insert(SqlConnection tx, String tenant, UUID examId, String releasedBy) {
        return tx.preparedQuery(SqlQueries.RELEASE_EXAM).execute(Tuple.of(tenant, examId, releasedBy))
                .map(rows -> Rows.first(rows, ReleaseRepository::release));
    }

    /** The exam's release; null when the tenant has no such exam or it is not released. */
    public Uni<ExamRelease> find(SqlConnection connection, String tenant, UUID examId) {
        return connection.preparedQuery(SqlQueries.FIND_RELEASE).execute(Tuple.of(tenant, examId))
                .map(rows -> Rows.first(rows, ReleaseRepository::release));
    }

    /** The students who answered the exam. */
    public Uni<List<String>> students(SqlConnection connection, String tenant, UUID examId) {
        return connection.preparedQuery(SqlQueries.EXAM_STUDENTS).execute(Tuple.of(tenant, examId))
                .map(rows -> Rows.all(rows, row -> row.getString("student_id")));
    }

    /** The student's final scores in the tenant's released exams. */
    public Uni<List<StudentResults.Item>> studentResults(String tenant, String studentId) {
        return pool.preparedQuery(SqlQueries.STUDENT_RESULTS).execute(Tuple.of(tenant, studentId))
                .map(rows -> Rows.all(rows, ReleaseRepository::item));
    }

    private static ExamRelease release(Row row) {
        return new ExamRelease(row.getUUID("exam_id"), row.getOffsetDateTime("released_at"),
                row.getString("released_by"));
    }

    private static StudentResults.Item item(Row row) {
        return new StudentResults.Item(row.getUUID("exam_id"), row.getString("title"),
                row.getInteger("question_number"), row.getBigDecimal("final_score"), row.getBigDecimal("max_score"),
                row.getOffsetDateTime("released_at"));
    }
}
