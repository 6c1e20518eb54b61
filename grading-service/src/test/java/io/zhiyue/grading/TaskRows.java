package io.zhiyue.grading;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.UUID;

/** Task outcomes as stored, for tests that undo or count them directly. */
public final class TaskRows {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private TaskRows() {
    }

    /**
     * Turns one graded batch back into pending work, as if its worker had crashed before its
     * commit: the outcomes go, the job is EXECUTING with that many fewer graded. Answers how many.
     */
    public static int reopenBatch(Pool pool, UUID jobId, int batchNo) {
        return pool.withTransaction(connection -> connection.preparedQuery("""
                        DELETE FROM results WHERE job_id = $1 AND submission_id IN
                            (SELECT submission_id FROM grading_tasks WHERE job_id = $1 AND batch_no = $2)""")
                .execute(Tuple.of(jobId, batchNo))
                .chain(rows -> connection.preparedQuery("""
                        UPDATE grading_jobs SET graded = graded - $2, state = 'EXECUTING', completed_at = NULL
                        WHERE id = $1""").execute(Tuple.of(jobId, rows.rowCount())).replaceWith(rows.rowCount())))
                .await().atMost(PATIENCE);
    }

    /** Tasks of the batch without an outcome. */
    public static long pendingTasks(Pool pool, UUID jobId, int batchNo) {
        return pool.preparedQuery("""
                        SELECT count(*) FROM grading_tasks t WHERE t.job_id = $1 AND t.batch_no = $2
                        AND NOT EXISTS (SELECT 1 FROM results r WHERE r.job_id = t.job_id AND r.submission_id = t.submission_id)""")
                .execute(Tuple.of(jobId, batchNo)).await().atMost(PATIENCE).iterator().next().getLong(0);
    }

    /** The job's graded outcomes. */
    public static long resultCount(Pool pool, UUID jobId) {
        return pool.preparedQuery("SELECT count(*) FROM results WHERE job_id = $1 AND status = 'DONE'")
                .execute(Tuple.of(jobId)).await().atMost(PATIENCE).iterator().next().getLong(0);
    }

    /** The sum of the job's final scores. */
    public static long totalScore(Pool pool, UUID jobId) {
        return pool.preparedQuery("SELECT coalesce(sum(final_score), 0) FROM results WHERE job_id = $1 AND status = 'DONE'")
                .execute(Tuple.of(jobId)).await().atMost(PATIENCE).iterator().next().getBigDecimal(0).longValueExact();
    }
}
