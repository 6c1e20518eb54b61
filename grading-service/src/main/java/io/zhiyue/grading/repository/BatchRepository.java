package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.GradingQuestion;
import io.zhiyue.grading.grader.Rubric;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The grading hot path: one query loads a batch, one transaction stores its results and the
 * job counters together.
 */
@ApplicationScoped
public class BatchRepository {

    public record PendingTask(UUID submissionId, String studentId, int questionNumber, UUID questionId,
            String answer, UUID rubricId) {
    }

    /** The tasks one commit claimed: graded, and failed (by the grader or given up on). */
    public record Claimed(int graded, int failed) {

        static final Claimed NONE = new Claimed(0, 0);

        public boolean any() {
            return graded + failed > 0;
        }
    }

    private final Pool pool;

    public BatchRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<PendingTask>> loadPending(UUID jobId, int batchNo) {
        return pool.preparedQuery(SqlQueries.LOAD_BATCH).execute(Tuple.of(jobId, batchNo))
                .map(rows -> Rows.all(rows, row -> new PendingTask(row.getUUID("submission_id"),
                        row.getString("student_id"), row.getInteger("question_number"), row.getUUID("question_id"),
                        row.getString("answer"), row.getUUID("rubric_id"))));
    }

    public Uni<Map<UUID, GradingQuestion>> loadRubrics(Collection<UUID> rubricIds) {
        return pool.preparedQuery(SqlQueries.LOAD_RUBRICS).execute(Tuple.of((Object) rubricIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, GradingQuestion> questions = new HashMap<>();
                    for (Row row : rows) {
                        questions.put(row.getUUID("id"), new GradingQuestion(row.getBigDecimal("max_score"),
                                row.getBigDecimal("score_step"), JsonCodec.read(row.getString("content"), Rubric.class)));
                    }
                    return questions;
                });
    }

    /**
     * Stores the outcome of a batch on {@code tx}. Only tasks still PENDING are claimed, so a
     * redelivered or concurrently processed batch writes nothing twice. {@code results} maps
     * submission id to its grade; a task missing from it has failed. The caller moves the job's
     * counters in the same transaction.
     */
    public Uni<Claimed> commit(SqlConnection tx, UUID jobId, String tenant, String graderId, OffsetDateTime publishedAt,
            List<PendingTask> tasks, Map<UUID, GradeResult> results) {
        UUID[] ids = new UUID[tasks.size()];
        String[] statuses = new String[tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            ids[i] = tasks.get(i).submissionId();
            statuses[i] = results.containsKey(ids[i]) ? "DONE" : "FAILED";
        }
        return lockUnlessFinal(tx, jobId).chain(open -> !open ? Uni.createFrom().item(Claimed.NONE)
                : tx.preparedQuery(SqlQueries.FINISH_TASKS).execute(Tuple.of(jobId, ids, publishedAt, statuses))
                .chain(claimedRows -> {
                    Map<UUID, String> claimed = new HashMap<>();
                    for (Row row : claimedRows) {
                        claimed.put(row.getUUID("submission_id"), row.getString("status"));
                    }
                    if (claimed.isEmpty()) {
                        return Uni.createFrom().item(Claimed.NONE);
                    }
                    List<PendingTask> done = new ArrayList<>();
                    for (PendingTask task : tasks) {
                        if ("DONE".equals(claimed.get(task.submissionId()))) {
                            done.add(task);
                        }
                    }
                    Claimed outcome = new Claimed(done.size(), claimed.size() - done.size());
                    return insertResults(tx, jobId, tenant, graderId, done, results).replaceWith(outcome);
                }));
    }

    /** Gives up on a batch that keeps failing: its pending tasks count as failed so the job can finish. */
    public Uni<Claimed> failBatch(SqlConnection tx, UUID jobId, int batchNo) {
        return lockUnlessFinal(tx, jobId).chain(open -> !open ? Uni.createFrom().item(Claimed.NONE)
                : tx.preparedQuery(SqlQueries.FAIL_BATCH_TASKS).execute(Tuple.of(jobId, batchNo))
                .map(rows -> rows.rowCount() == 0 ? Claimed.NONE : new Claimed(0, rows.rowCount())));
    }

    /** Locks the job row first (see SqlQueries) and answers whether the job still takes results. */
    private static Uni<Boolean> lockUnlessFinal(SqlConnection connection, UUID jobId) {
        return connection.preparedQuery(SqlQueries.LOCK_JOB_FOR_WORKER).execute(Tuple.of(jobId))
                .map(rows -> {
                    String state = Rows.first(rows, row -> row.getString("state"));
                    return state != null && !JobState.valueOf(state).isFinal();
                });
    }

    private static Uni<Void> insertResults(SqlConnection connection, UUID jobId, String tenant, String graderId,
            List<PendingTask> done, Map<UUID, GradeResult> results) {
        if (done.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = done.size();
        UUID[] submissionIds = new UUID[n];
        UUID[] questionIds = new UUID[n];
        UUID[] rubricIds = new UUID[n];
        String[] students = new String[n];
        Integer[] numbers = new Integer[n];
        String[] scores = new String[n];
        String[] maxScores = new String[n];
        String[] confidences = new String[n];
        String[] points = new String[n];
        for (int i = 0; i < n; i++) {
            PendingTask task = done.get(i);
            GradeResult result = results.get(task.submissionId());
            submissionIds[i] = task.submissionId();
            questionIds[i] = task.questionId();
            rubricIds[i] = task.rubricId();
            students[i] = task.studentId();
            numbers[i] = task.questionNumber();
            scores[i] = result.score().toPlainString();
            maxScores[i] = result.maxScore().toPlainString();
            confidences[i] = result.confidence().toPlainString();
            points[i] = JsonCodec.write(result.points());
        }
        return connection.preparedQuery(SqlQueries.INSERT_RESULTS)
                .execute(Tuple.from(Arrays.asList(jobId, tenant, graderId, submissionIds, questionIds, rubricIds,
                        students, numbers, scores, maxScores, confidences, points)))
                .replaceWithVoid();
    }

}
