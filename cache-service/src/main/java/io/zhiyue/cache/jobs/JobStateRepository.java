package io.zhiyue.cache.jobs;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** The job read model's rows in PostgreSQL, the source of truth its Redis copy is rebuilt from. */
@ApplicationScoped
public class JobStateRepository {

    /**
     * A whole job at a version: taken when it is newer than the row, or the same version (a
     * progress event of that write may have come first and patched the counters only).
     */
    private static final String PUT_SNAPSHOT = """
            INSERT INTO job_states (job_id, tenant_id, job, version) VALUES ($1, $2, $3::text::jsonb, $4)
            ON CONFLICT (job_id) DO UPDATE SET job = EXCLUDED.job, version = EXCLUDED.version, updated_at = now()
            WHERE job_states.version <= EXCLUDED.version AND job_states.tenant_id = EXCLUDED.tenant_id
            RETURNING job::text AS job, version""";
    /** A job's counters at a strictly newer version; nothing when the read model has not seen the job yet. */
    private static final String PATCH_COUNTERS = """
            UPDATE job_states SET job = job || $3::text::jsonb, version = $4, updated_at = now()
            WHERE job_id = $1 AND tenant_id = $2 AND version < $4
            RETURNING job::text AS job, version""";
    private static final String FIND = "SELECT job::text AS job, version FROM job_states WHERE job_id = $1 AND tenant_id = $2";

    private final Pool pool;

    public JobStateRepository(Pool pool) {
        this.pool = pool;
    }

    /** The job as stored now (null: not newer than the row, so nothing changed). */
    public Uni<JobState> putSnapshot(String tenant, UUID jobId, String job, long version) {
        return pool.preparedQuery(PUT_SNAPSHOT).execute(Tuple.of(jobId, tenant, job, version)).map(JobStateRepository::first);
    }

    /** The job with {@code counters} merged in (null: unseen job, or not newer). */
    public Uni<JobState> patchCounters(String tenant, UUID jobId, String counters, long version) {
        return pool.preparedQuery(PATCH_COUNTERS).execute(Tuple.of(jobId, tenant, counters, version))
                .map(JobStateRepository::first);
    }

    public Uni<JobState> find(String tenant, UUID jobId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(jobId, tenant)).map(JobStateRepository::first);
    }

    private static JobState first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        return new JobState(row.getString("job"), row.getLong("version"));
    }

    /** A job as the read model holds it: its JSON as grading-service's API shows it, and its version. */
    public record JobState(String job, long version) {
    }
}
