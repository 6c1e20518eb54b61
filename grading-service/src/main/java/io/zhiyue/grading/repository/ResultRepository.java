package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.GradingResult;
import io.zhiyue.grading.model.GradingResult.Marker;
import io.zhiyue.grading.model.ReviewStatus;
import io.zhiyue.shared.api.PageResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class ResultRepository {

    private static final ListQuery.Column SUBMISSION = new ListQuery.Column("r.submission_id", "submission_id", ListQuery.Type.UUID);
    private static final ListQuery.Column STUDENT = new ListQuery.Column("r.student_id", "student_id", ListQuery.Type.TEXT);
    private static final ListQuery.Column QUESTION = new ListQuery.Column("r.question_number", "question_number", ListQuery.Type.INT);
    private static final ListQuery.Column SCORE = new ListQuery.Column(SqlQueries.SCORE_ORDER, "score_order", ListQuery.Type.DECIMAL);
    private static final ListQuery.Column CONFIDENCE = new ListQuery.Column(SqlQueries.CONFIDENCE_ORDER, "confidence_order", ListQuery.Type.DECIMAL);
    private static final ListQuery.Column GRADER = new ListQuery.Column("r.grader_id", "grader_id", ListQuery.Type.TEXT);
    private static final ListQuery.Column REVIEW = new ListQuery.Column("r.review_status", "review_status", ListQuery.Type.TEXT);
    private static final ListQuery.Column PROPOSED = new ListQuery.Column(SqlQueries.PROPOSED_ORDER, "proposed_order", ListQuery.Type.DECIMAL);

    public static final ListQuery.Spec LIST_SPEC = new ListQuery.Spec(
            Map.of("studentId", STUDENT, "student_id", STUDENT, "questionNumber", QUESTION,
                    "question_number", QUESTION, "score", SCORE, "confidence", CONFIDENCE, "proposedScore", PROPOSED),
            Map.of("studentId", STUDENT, "student_id", STUDENT, "questionNumber", QUESTION,
                    "question_number", QUESTION, "score", SCORE, "graderId", GRADER, "grader_id", GRADER,
                    "reviewStatus", REVIEW, "review_status", REVIEW),
            Set.of("submissionId", "studentId", "questionNumber", "score", "maxScore", "confidence", "graderId",
                    "points", "reviewStatus", "proposedScore", "markers"),
            STUDENT, SUBMISSION);

    /** One line of the CSV export: a final score, without the points behind it. */
    public record ExportRow(String studentId, int questionNumber, BigDecimal score, BigDecimal maxScore,
            BigDecimal confidence, String graderId, String reviewStatus) {
    }

    public record ScoreBucket(int questionNumber, BigDecimal maxScore, BigDecimal score, long count) {
    }

    private final Pool pool;

    public ResultRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<PageResponse<GradingResult>> list(String tenant, UUID jobId, ListQuery query) {
        return Rows.page(pool, SqlQueries.LIST_RESULTS, SqlQueries.COUNT_RESULTS, List.of(tenant, jobId), query,
                SUBMISSION, ResultRepository::result);
    }

    /**
     * The job's results for export, streamed from a cursor ({@code fetch} rows at a time), so a job
     * of any size is never held in memory. The cursor lives in a read-only transaction of its own
     * that PostgreSQL ends by itself if the reader goes quiet for a minute; ending the stream
     * early releases the connection at once.
     */
    public Multi<ExportRow> exportRows(String tenant, UUID jobId, int fetch) {
        return Multi.createFrom().resourceFromUni(pool::getConnection,
                        connection -> readOnlyCursor(connection, Tuple.of(tenant, jobId), fetch))
                .withFinalizer((SqlConnection connection) -> connection.close())
                .map(ResultRepository::exportRow);
    }

    private static Multi<Row> readOnlyCursor(SqlConnection connection, Tuple arguments, int fetch) {
        return connection.begin()
                .chain(() -> connection.query(SqlQueries.EXPORT_TRANSACTION).execute())
                .chain(() -> connection.prepare(SqlQueries.EXPORT_RESULTS))
                .onItem().transformToMulti(statement -> statement.createStream(fetch, arguments).toMulti());
    }

    private static ExportRow exportRow(Row row) {
        return new ExportRow(row.getString("student_id"), row.getInteger("question_number"),
                row.getBigDecimal("score"), row.getBigDecimal("max_score"), row.getBigDecimal("confidence"),
                row.getString("grader_id"), row.getString("review_status"));
    }

    public Uni<List<ScoreBucket>> distribution(String tenant, UUID jobId) {
        return pool.preparedQuery(SqlQueries.SCORE_DISTRIBUTION).execute(Tuple.of(tenant, jobId))
                .map(rows -> Rows.all(rows, row -> new ScoreBucket(row.getInteger("question_number"),
                        row.getBigDecimal("max_score"), row.getBigDecimal("score"), row.getLong("n"))));
    }

    private static GradingResult result(Row row) {
        BigDecimal proposed = row.getBigDecimal("proposed_score");
        String grader = row.getString("grader_id");
        // the grader's proposal is the first mark, then what people marked in the review queue
        List<Marker> markers = new ArrayList<>();
        if (proposed != null) {
            markers.add(new Marker(grader, "ai", proposed, row.getOffsetDateTime("finished_at")));
        }
        markers.addAll(Rows.markers(row.getString("peoples_marks")));
        return new GradingResult(row.getUUID("submission_id"), row.getString("student_id"),
                row.getInteger("question_number"), row.getBigDecimal("score"), row.getBigDecimal("max_score"),
                row.getBigDecimal("confidence"), grader, Rows.points(row.getString("points")),
                ReviewStatus.valueOf(row.getString("review_status")), proposed, markers, row.getString("reused"));
    }
}
