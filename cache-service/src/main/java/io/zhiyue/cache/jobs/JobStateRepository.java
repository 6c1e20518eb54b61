package io.zhiyue.cache.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The job read model's rows in PostgreSQL, the source of truth its Redis and in-process copies are
 * made from: per job a snapshot and counters, each with its own version (V3__job_states.sql).
 */
@ApplicationScoped
public class JobStateRepository {

    /** The job as served, its version, and its rank (grows with every change of either part: orders copies). */
    private static final String MERGED = """
            CASE WHEN counters_version > snapshot_version THEN snapshot || counters ELSE snapshot END::text AS job,
            GREATEST(snapshot_version, counters_version) AS version, snapshot_version + counters_version AS rank,
            snapshot IS NOT NULL AS served""";
    private static final String PUT_SNAPSHOT = """
            INSERT INTO job_states (job_id, tenant_id, snapshot, snapshot_version) VALUES ($1, $2, $3::text::jsonb, $4)
            ON CONFLICT (job_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, snapshot_version = EXCLUDED.snapshot_version,
                                               updated_at = now()
            WHERE job_states.snapshot_version < EXCLUDED.snapshot_version AND job_states.tenant_id = EXCLUDED.tenant_id
            RETURNING\s""" + MERGED;
    private static final String PUT_COUNTERS = """
            INSERT INTO job_states (job_id, tenant_id, counters, counters_version) VALUES ($1, $2, $3::text::jsonb, $4)
            ON CONFLICT (job_id) DO UPDATE SET counters = EXCLUDED.counters, counters_version = EXCLUDED.counters_version,
                                               updated_at = now()
            WHERE job_states.counters_version < EXCLUDED.counters_version AND job_states.tenant_id = EXCLUDED.tenant_id
            RETURNING\s""" + MERGED;
    private static final String FIND = "SELECT " + MERGED + " FROM job_states WHERE job_id = $1 AND tenant_id = $2";
    private static final String DELETE = "DELETE FROM job_states WHERE tenant_id = $1 AND job_id = ANY($2::uuid[])";
    private static final String CHANGED_SINCE = "SELECT tenant_id, job_id, " + MERGED
            + " FROM job_states WHERE updated_at >= $1 AND snapshot IS NOT NULL ORDER BY updated_at LIMIT $2";

    private final Pool pool;

    public JobStateRepository(Pool pool) {
        this.pool = pool;
    }

    /** The job after taking a snapshot at {@code version} (null: the row was newer, nothing changed). */
    public Uni<JobState> putSnapshot(String tenant, UUID jobId, String job, long version) {
        return pool.preparedQuery(PUT_SNAPSHOT).execute(Tuple.of(jobId, tenant, job, version))
                .map(JobStateRepository::first);
    }

    /** The job after taking its counters at {@code version} (null: the row was newer, nothing changed). */
    public Uni<JobState> putCounters(String tenant, UUID jobId, String counters, long version) {
        return pool.preparedQuery(PUT_COUNTERS).execute(Tuple.of(jobId, tenant, counters, version))
                .map(JobStateRepository::first);
    }

    public Uni<JobState> find(String tenant, UUID jobId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(jobId, tenant)).map(JobStateRepository::first);
    }

    /** Deletes the jobs' rows of the tenant, in the caller's transaction; answers how many went. */
    public Uni<Integer> delete(SqlConnection tx, String tenant, List<UUID> jobIds) {
        return tx.preparedQuery(DELETE).execute(Tuple.of(tenant, jobIds.toArray(new UUID[0]))).map(RowSet::rowCount);
    }

    /** A page of servable jobs changed at or after {@code since}, oldest change first. */
    public Uni<List<Changed>> changedSince(OffsetDateTime since, int limit) {
        return pool.preparedQuery(CHANGED_SINCE).execute(Tuple.of(since, limit)).map(rows -> {
            List<Changed> changed = new java.util.ArrayList<>();
            for (Row row : rows) {
                changed.add(new Changed(row.getString("tenant_id"), row.getUUID("job_id"), state(row)));
            }
            return changed;
        });
    }

    private static JobState first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : state(rows.iterator().next());
    }

    private static JobState state(Row row) {
        return new JobState(row.getBoolean("served") ? row.getString("job") : null, row.getLong("version"),
                row.getLong("rank"));
    }

    /**
     * A job as the read model holds it: its JSON as grading-service's API shows it (null while only
     * counters have arrived: not served), its version, and its rank.
     */
    public record JobState(String job, long version, long rank) {

        public boolean served() {
            return job != null;
        }
    }

    /** A job changed since some time, for copying it to Redis again. */
    public record Changed(String tenant, UUID jobId, JobState state) {
    }
}
