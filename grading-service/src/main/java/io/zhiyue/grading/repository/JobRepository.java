package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

@ApplicationScoped
public class JobRepository {

    /**
     * A job found by the recovery sweep: it has not moved for a while. Its {@code version} moves with every real
     * change of the job, not with the sweep's touch, so a job found again at the same version has not moved since.
     */
    public record StalledJob(UUID id, String tenantId, JobState state, long version) {
    }

    /** How many jobs are in {@code state}, across tenants, and how many of their answers wait for people. */
    public record StateCount(JobState state, long jobs, long pendingReview) {
    }

    /** A pending batch of a job and the stream entry it was last published as (null: never published). */
    public record PendingBatch(int batchNo, String streamId) {
    }

    private final Pool pool;

    public JobRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<GradingJob> insert(SqlConnection tx, String tenant, UUID examId, int batchSize, long llmTokenBudget,
            boolean reuseResults) {
        return tx.preparedQuery(SqlQueries.INSERT_JOB)
                .execute(Tuple.of(UUID.randomUUID(), tenant, examId, batchSize, llmTokenBudget, reuseResults))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    public Uni<GradingJob> find(String tenant, UUID id) {
        return pool.preparedQuery(SqlQueries.FIND_JOB).execute(Tuple.of(tenant, id))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    /** The exam's newest {@code limit} jobs, newest first. */
    public Uni<List<GradingJob>> ofExam(String tenant, UUID examId, int limit) {
        return pool.preparedQuery(SqlQueries.EXAM_JOBS).execute(Tuple.of(tenant, examId, limit))
                .map(rows -> Rows.all(rows, Rows::job));
    }

    /**
     * Moves the job to {@code target} if it is in one of {@code from}; answers null when it was not
     * (another request moved it first).
     */
    /** Records a recovery decision on a job that still runs; null when it ended meanwhile. */
    public Uni<GradingJob> recordRecovery(SqlConnection tx, UUID id, JobStateChanged.Recovery recovery) {
        return tx.preparedQuery(SqlQueries.RECORD_RECOVERY).execute(Tuple.of(id, JsonCodec.write(recovery)))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    public Uni<GradingJob> transition(SqlConnection tx, String tenant, UUID id, JobState target, Set<JobState> from) {
        return tx.preparedQuery(SqlQueries.TRANSITION)
                .execute(Tuple.from(List.of(tenant, id, target.name(), Rows.stateNames(from), target.isOutcome())))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    /**
     * Freezes the rubric versions of the exam's questions for this job, then moves it to ANALYZED. The exam row
     * is share-locked first: an answer correction holds it while it checks that no job is past CREATED.
     */
    public Uni<GradingJob> analyze(SqlConnection tx, String tenant, UUID jobId, UUID examId) {
        return tx.preparedQuery(SqlQueries.SHARE_LOCK_EXAM).execute(Tuple.of(tenant, examId))
                .chain(() -> tx.preparedQuery(SqlQueries.FREEZE_RUBRICS).execute(Tuple.of(jobId, tenant, examId)))
                .chain(() -> transition(tx, tenant, jobId, JobState.ANALYZED, Set.of(JobState.CREATED)));
    }

    /**
     * Writes one task row per submission in batches, only while the job is still ANALYZED (a
     * cancel that got there first wins); idempotent. Answers the batch numbers, 0 to n - 1, or
     * null when the job was not ANALYZED.
     */
    public Uni<List<Integer>> insertTasks(String tenant, UUID jobId, UUID examId, int batchSize) {
        return pool.withTransaction(connection -> connection.preparedQuery(SqlQueries.LOCK_JOB_FOR_CONTROL)
                .execute(Tuple.of(tenant, jobId))
                .chain(locked -> {
                    String state = Rows.first(locked, row -> row.getString("state"));
                    if (!JobState.ANALYZED.name().equals(state)) {
                        return Uni.createFrom().<List<Integer>>nullItem();
                    }
                    return connection.preparedQuery(SqlQueries.INSERT_TASKS)
                            .execute(Tuple.of(jobId, tenant, examId, batchSize))
                            .chain(() -> connection.preparedQuery(SqlQueries.SET_TOTAL).execute(Tuple.of(jobId)))
                            .map(counted -> {
                                int total = Rows.first(counted, row -> row.getInteger("total"));
                                // batch numbers count up from 0 in task order (see INSERT_TASKS)
                                return IntStream.range(0, (total + batchSize - 1) / batchSize).boxed().toList();
                            });
                }));
    }

    public Uni<List<Integer>> pendingBatches(UUID jobId) {
        return pool.preparedQuery(SqlQueries.PENDING_BATCHES).execute(Tuple.of(jobId))
                .map(rows -> Rows.all(rows, row -> row.getInteger("batch_no")));
    }

    /** The job, its row locked until the commit against workers counting outcomes (see {@link SqlQueries}). */
    public Uni<GradingJob> lock(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery(SqlQueries.LOCK_JOB).execute(Tuple.of(jobId)).map(rows -> Rows.first(rows, Rows::job));
    }

    /** This transaction's commit returns before its WAL reaches the disk (for what a crash may lose). */
    public Uni<Void> commitWithoutWaitingForDisk(SqlConnection tx) {
        return tx.query(SqlQueries.ASYNC_COMMIT).execute().replaceWithVoid();
    }

    /** Computes the finished job's publish → commit percentiles once and keeps them with it. */
    public Uni<GradingJob> storeTimings(SqlConnection tx, UUID jobId) {
        return tx.preparedQuery(SqlQueries.STORE_TIMINGS).execute(Tuple.of(jobId)).map(rows -> Rows.first(rows, Rows::job));
    }

    /** Records the stream entry each batch was published as. */
    public Uni<Void> recordBatches(UUID jobId, List<Integer> batchNos, List<String> streamIds) {
        return pool.preparedQuery(SqlQueries.RECORD_BATCHES)
                .execute(Tuple.of(jobId, batchNos.toArray(new Integer[0]), streamIds.toArray(new String[0])))
                .replaceWithVoid();
    }

    public Uni<List<PendingBatch>> pendingBatchEntries(UUID jobId) {
        return pool.preparedQuery(SqlQueries.PENDING_BATCH_ENTRIES).execute(Tuple.of(jobId))
                .map(rows -> Rows.all(rows, row -> new PendingBatch(row.getInteger("batch_no"),
                        row.getString("stream_id"))));
    }

    /** Gives every task without an outcome the outcome CANCELLED, and the job CANCELLED; null when the job is already final. */
    public Uni<GradingJob> cancel(SqlConnection tx, String tenant, UUID jobId) {
        return tx.preparedQuery(SqlQueries.LOCK_JOB_FOR_CONTROL).execute(Tuple.of(tenant, jobId))
                .chain(locked -> {
                    String state = Rows.first(locked, row -> row.getString("state"));
                    if (state == null || JobState.valueOf(state).isFinal()) {
                        return Uni.createFrom().nullItem();
                    }
                    return tx.preparedQuery(SqlQueries.CANCEL_TASKS).execute(Tuple.of(jobId))
                            .chain(tasks -> tx.preparedQuery(SqlQueries.CANCEL_JOB).execute(Tuple.of(tenant, jobId,
                                    tasks.rowCount(), Rows.stateNames(JobState.sourcesOf(JobState.CANCELLED)))))
                            .map(rows -> Rows.first(rows, Rows::job));
                });
    }

    /** Jobs in one of {@code states} that have not moved for {@code olderThan}. */
    public Uni<List<StalledJob>> stalled(Duration olderThan, Set<JobState> states) {
        return pool.preparedQuery(SqlQueries.STALLED_JOBS).execute(Tuple.of(olderThan.toMillis(), Rows.stateNames(states)))
                .map(rows -> Rows.all(rows, row -> new StalledJob(row.getUUID("id"), row.getString("tenant_id"),
                        JobState.valueOf(row.getString("state")), row.getLong("version"))));
    }

    /** Every state that holds jobs, with its counts (one scan of the jobs, for the gauges). */
    public Uni<List<StateCount>> countByState() {
        return pool.query(SqlQueries.JOBS_BY_STATE).execute().map(rows -> Rows.all(rows, row -> new StateCount(
                JobState.valueOf(row.getString("state")), row.getLong("jobs"), row.getLong("pending_review"))));
    }

    public Uni<Void> touch(UUID jobId) {
        return pool.preparedQuery(SqlQueries.TOUCH_JOB).execute(Tuple.of(jobId)).replaceWithVoid();
    }

    public Uni<Void> refreshStatistics() {
        return pool.query(SqlQueries.ANALYZE_JOB_TABLES).execute().replaceWithVoid();
    }
}
