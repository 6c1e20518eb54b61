package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.job.JobState;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class JobRepository {

    /** A job found by the recovery sweep: it has not moved for a while. */
    public record StalledJob(UUID id, String tenantId, JobState state) {
    }

    public record Latency(BigDecimal p50Ms, BigDecimal p99Ms) {
    }

    /** A job right after its counters moved; {@code completedNow} when this very update completed it. */
    public record CounterUpdate(GradingJob job, boolean completedNow) {
    }

    private final Pool pool;

    public JobRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<GradingJob> insert(SqlConnection tx, String tenant, UUID examId, int batchSize) {
        return tx.preparedQuery(SqlQueries.INSERT_JOB).execute(Tuple.of(UUID.randomUUID(), tenant, examId, batchSize))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    public Uni<GradingJob> find(String tenant, UUID id) {
        return pool.preparedQuery(SqlQueries.FIND_JOB).execute(Tuple.of(tenant, id))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    /** For stream consumers, which learn the tenant from the envelope and check it. */
    public Uni<GradingJob> findAnyTenant(UUID id) {
        return pool.preparedQuery(SqlQueries.FIND_JOB_ANY_TENANT).execute(Tuple.of(id))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    /**
     * Moves the job to {@code target} if it is in one of {@code from}; answers null when it was not
     * (another request moved it first).
     */
    public Uni<GradingJob> transition(SqlConnection tx, String tenant, UUID id, JobState target, List<JobState> from) {
        String[] states = from.stream().map(Enum::name).toArray(String[]::new);
        return tx.preparedQuery(SqlQueries.TRANSITION).execute(Tuple.of(tenant, id, target.name(), states))
                .map(rows -> Rows.first(rows, Rows::job));
    }

    /** Freezes the rubric versions of the exam's questions for this job, then moves it to ANALYZED. */
    public Uni<GradingJob> analyze(SqlConnection tx, String tenant, UUID jobId, UUID examId) {
        return tx.preparedQuery(SqlQueries.FREEZE_RUBRICS).execute(Tuple.of(jobId, tenant, examId))
                .chain(() -> transition(tx, tenant, jobId, JobState.ANALYZED, List.of(JobState.CREATED)));
    }

    /**
     * Writes one task row per submission in batches, only while the job is still ANALYZED (a
     * cancel that got there first wins); idempotent.
     */
    public Uni<Void> insertTasks(String tenant, UUID jobId, UUID examId, int batchSize) {
        return pool.withTransaction(connection -> connection.preparedQuery(SqlQueries.LOCK_JOB_FOR_CONTROL)
                .execute(Tuple.of(tenant, jobId))
                .chain(rows -> {
                    String state = Rows.first(rows, row -> row.getString("state"));
                    if (!JobState.ANALYZED.name().equals(state)) {
                        return Uni.createFrom().voidItem();
                    }
                    return connection.preparedQuery(SqlQueries.INSERT_TASKS)
                            .execute(Tuple.of(jobId, tenant, examId, batchSize))
                            .chain(() -> connection.preparedQuery(SqlQueries.SET_TOTAL).execute(Tuple.of(jobId)))
                            .replaceWithVoid();
                }));
    }

    public Uni<List<Integer>> pendingBatches(UUID jobId) {
        return pool.preparedQuery(SqlQueries.PENDING_BATCHES).execute(Tuple.of(jobId))
                .map(rows -> Rows.all(rows, row -> row.getInteger("batch_no")));
    }

    /** Completes the job if nothing is left to do (for a job whose last batch finished early). */
    public Uni<CounterUpdate> completeIfDone(SqlConnection tx, UUID jobId) {
        return addCounters(tx, jobId, 0, 0, 0);
    }

    /** Moves the job's counters; the update that brings done up to total completes the job. */
    public Uni<CounterUpdate> addCounters(SqlConnection tx, UUID jobId, int graded, int failed, int cancelled) {
        return tx.preparedQuery(SqlQueries.ADD_COUNTERS).execute(Tuple.of(jobId, graded, failed, cancelled))
                .map(rows -> Rows.first(rows, row -> new CounterUpdate(Rows.job(row), row.getBoolean("completed_now"))));
    }

    /** Marks the pending tasks cancelled and the job CANCELLED; null when the job is already final. */
    public Uni<GradingJob> cancel(SqlConnection tx, String tenant, UUID jobId) {
        return tx.preparedQuery(SqlQueries.LOCK_JOB_FOR_CONTROL).execute(Tuple.of(tenant, jobId))
                .chain(locked -> {
                    String state = Rows.first(locked, row -> row.getString("state"));
                    if (state == null || JobState.valueOf(state).isFinal()) {
                        return Uni.createFrom().nullItem();
                    }
                    return tx.preparedQuery(SqlQueries.CANCEL_TASKS).execute(Tuple.of(jobId))
                            .chain(tasks -> tx.preparedQuery(SqlQueries.CANCEL_JOB)
                                    .execute(Tuple.of(tenant, jobId, tasks.rowCount())))
                            .map(rows -> Rows.first(rows, Rows::job));
                });
    }

    public Uni<List<StalledJob>> stalled(Duration olderThan) {
        return pool.preparedQuery(SqlQueries.STALLED_JOBS).execute(Tuple.of(olderThan.toMillis()))
                .map(rows -> Rows.all(rows, row -> new StalledJob(row.getUUID("id"), row.getString("tenant_id"),
                        JobState.valueOf(row.getString("state")))));
    }

    public Uni<Void> touch(UUID jobId) {
        return pool.preparedQuery(SqlQueries.TOUCH_JOB).execute(Tuple.of(jobId)).replaceWithVoid();
    }

    public Uni<Void> refreshStatistics() {
        return pool.query(SqlQueries.ANALYZE_JOB_TABLES).execute().replaceWithVoid();
    }

    public Uni<Latency> latency(UUID jobId) {
        return pool.preparedQuery(SqlQueries.JOB_LATENCY).execute(Tuple.of(jobId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Latency(decimal(row.getDouble("p50")), decimal(row.getDouble("p99")));
                });
    }

    private static BigDecimal decimal(Double value) {
        return value == null ? null : BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP);
    }
}
