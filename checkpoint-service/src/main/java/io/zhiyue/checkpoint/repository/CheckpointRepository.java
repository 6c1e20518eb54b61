package io.zhiyue.checkpoint.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.checkpoint.model.Checkpoint;
import io.zhiyue.checkpoint.store.RetentionPlan;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The {@code checkpoint} schema: checkpoint rows, their chains, and the saves left to an operator. */
@ApplicationScoped
public class CheckpointRepository {

    /** A stored row: what the API shows, and (in a chain) the payload that rebuilds its state. */
    public record Stored(Checkpoint checkpoint, byte[] payload, int payloadRawBytes) {
    }

    /** A row to insert. */
    public record NewRow(UUID id, String tenant, UUID threadId, String namespace, UUID parentId, JsonNode metadata,
            boolean isDelta, UUID baseCheckpointId, int deltaDepth, byte[] payload, boolean compressed,
            int payloadRawBytes, int stateSizeBytes, String sha256) {
    }

    private static final String COLUMNS = """
            id, thread_id, namespace, parent_id, metadata::text AS metadata, is_delta, base_checkpoint_id, delta_depth,
            is_compressed, data_size_bytes, payload_raw_bytes, state_size_bytes, state_sha256, created_at""";
    /**
     * The row, unless it is a delta whose base snapshot is gone (deleted by retention or with its
     * thread since the parent was read): a delta is only stored while the snapshot it is rebuilt
     * from exists, and that snapshot is held (FOR KEY SHARE) until it is.
     */
    private static final String INSERT_IF = """
            INSERT INTO checkpoints (id, tenant_id, thread_id, namespace, parent_id, metadata, is_delta,
                                     base_checkpoint_id, delta_depth, payload, is_compressed, data_size_bytes,
                                     payload_raw_bytes, state_size_bytes, state_sha256)
            SELECT $1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15
            WHERE ($8::uuid IS NULL OR EXISTS (SELECT 1 FROM checkpoints b WHERE b.id = $8 FOR KEY SHARE))
            """;
    /** That insert; nothing when the id is taken (a repeated put). */
    private static final String INSERT = INSERT_IF + "ON CONFLICT (id) DO NOTHING RETURNING created_at";
    /**
     * The same, and only while its parent ($5) is the newest checkpoint of its thread and namespace
     * as the statement sees it (two puts at once may both follow it, as they could before).
     */
    private static final String INSERT_AFTER_NEWEST = INSERT_IF + """
              AND $5::uuid = (SELECT n.id FROM checkpoints n WHERE n.tenant_id = $2 AND n.thread_id = $3
                              AND n.namespace = $4 ORDER BY n.seq DESC LIMIT 1)
            ON CONFLICT (id) DO NOTHING RETURNING created_at""";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM checkpoints WHERE tenant_id = $1 AND id = $2";
    private static final String LATEST = "SELECT " + COLUMNS + """
             FROM checkpoints WHERE tenant_id = $1 AND thread_id = $2 AND namespace = $3
            ORDER BY seq DESC LIMIT 1""";
    /**
     * The rows that rebuild a checkpoint: it and its parents up to and including the first
     * snapshot, oldest first. The walk is bounded ($3), so a cycle or a lost snapshot cannot run on.
     */
    private static final String CHAIN = """
            WITH RECURSIVE chain AS (
                SELECT c.*, 0 AS step FROM checkpoints c WHERE c.tenant_id = $1 AND c.id = $2
                UNION ALL
                SELECT p.*, chain.step + 1 FROM checkpoints p JOIN chain ON p.id = chain.parent_id
                WHERE chain.is_delta AND chain.step < $3 AND p.tenant_id = $1)
            SELECT\s""" + COLUMNS + ", payload FROM chain ORDER BY step DESC";
    /**
     * Newest first (in the order they were stored); $4 the checkpoint to continue before (null:
     * from the newest; one of another thread leaves nothing before it), $5 a metadata containment filter.
     */
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM checkpoints WHERE tenant_id = $1 AND thread_id = $2 AND namespace = $3
              AND ($4::uuid IS NULL OR seq < coalesce((SELECT b.seq FROM checkpoints b
                                                      WHERE b.id = $4 AND b.tenant_id = $1 AND b.thread_id = $2), 0))
              AND metadata @> $5::text::jsonb
            ORDER BY seq DESC LIMIT $6""";
    private static final String DELETE_THREADS = """
            DELETE FROM checkpoints WHERE tenant_id = $1 AND thread_id = ANY($2::uuid[])""";
    private static final String DELETE_FAILED_SAVES = """
            DELETE FROM failed_saves WHERE tenant_id = $1 AND thread_id = ANY($2::uuid[])""";
    private static final String CROWDED = """
            SELECT tenant_id, thread_id, namespace FROM checkpoints
            GROUP BY tenant_id, thread_id, namespace HAVING count(*) > $1 LIMIT 100""";
    private static final String RETENTION_ROWS = """
            SELECT id, parent_id, base_checkpoint_id, is_delta, created_at FROM checkpoints
            WHERE tenant_id = $1 AND thread_id = $2 AND namespace = $3""";
    private static final String DELETE_IDS = "DELETE FROM checkpoints WHERE id = ANY($1::uuid[])";
    private static final String DELETE_OLD_THREADS = """
            DELETE FROM checkpoints c USING (SELECT tenant_id, thread_id FROM checkpoints GROUP BY tenant_id, thread_id
                                            HAVING max(created_at) < now() - make_interval(secs => $1)) old
            WHERE c.tenant_id = old.tenant_id AND c.thread_id = old.thread_id""";
    private static final String FAILED_SAVE = """
            INSERT INTO failed_saves (id, tenant_id, thread_id, namespace, checkpoint_id, state, attempts, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

    private final Pool pool;

    public CheckpointRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the row; answers when it was stored, null when it was not (its id taken, or a delta's base gone). */
    public Uni<OffsetDateTime> insert(NewRow row) {
        return insert(INSERT, row);
    }

    /**
     * Inserts the row only while its parent is the newest checkpoint of its thread and namespace: a
     * put that diffed against the newest state it knows, checked in the same statement. Null when
     * it was not stored (another checkpoint came first or the parent is gone, its id is taken, or a
     * delta's base is gone).
     */
    public Uni<OffsetDateTime> insertAfterNewest(NewRow row) {
        return insert(INSERT_AFTER_NEWEST, row);
    }

    private Uni<OffsetDateTime> insert(String sql, NewRow row) {
        return pool.preparedQuery(sql).execute(Tuple.from(new Object[] {row.id(), row.tenant(), row.threadId(),
                row.namespace(), row.parentId(), JsonCodec.write(row.metadata()), row.isDelta(), row.baseCheckpointId(),
                row.deltaDepth(), Buffer.buffer(row.payload()), row.compressed(), row.payload().length,
                row.payloadRawBytes(), row.stateSizeBytes(), row.sha256()})).map(rows -> rows.size() == 0 ? null
                        : rows.iterator().next().getOffsetDateTime("created_at"));
    }

    /** The row without its payload (null: none). */
    public Uni<Checkpoint> find(String tenant, UUID id) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(tenant, id)).map(CheckpointRepository::first);
    }

    /** The thread's newest row in the namespace, without its payload (null: none). */
    public Uni<Checkpoint> latest(String tenant, UUID threadId, String namespace) {
        return pool.preparedQuery(LATEST).execute(Tuple.of(tenant, threadId, namespace))
                .map(CheckpointRepository::first);
    }

    /** The rows that rebuild checkpoint {@code id}, oldest first (the snapshot first when the chain is whole). */
    public Uni<List<Stored>> chain(String tenant, UUID id, int maxLinks) {
        return pool.preparedQuery(CHAIN).execute(Tuple.of(tenant, id, maxLinks)).map(rows -> {
            List<Stored> chain = new ArrayList<>();
            rows.forEach(row -> chain.add(stored(row)));
            return chain;
        });
    }

    public Uni<List<Checkpoint>> list(String tenant, UUID threadId, String namespace, UUID before, JsonNode metadata,
            int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.from(new Object[] {tenant, threadId, namespace, before,
                JsonCodec.write(metadata), limit})).map(rows -> {
                    List<Checkpoint> page = new ArrayList<>();
                    rows.forEach(row -> page.add(checkpoint(row)));
                    return page;
                });
    }

    /** Deletes every checkpoint of the thread, in the caller's transaction; answers how many went. */
    public Uni<Integer> deleteThread(SqlConnection tx, String tenant, UUID threadId) {
        return deleteThreads(tx, tenant, List.of(threadId));
    }

    /** Deletes every checkpoint (every namespace) of the threads, in the caller's transaction; answers how many went. */
    public Uni<Integer> deleteThreads(SqlConnection tx, String tenant, List<UUID> threadIds) {
        return tx.preparedQuery(DELETE_THREADS).execute(Tuple.of(tenant, threadIds.toArray(new UUID[0])))
                .map(RowSet::rowCount);
    }

    /** Deletes the failed saves kept for an operator of the threads, in the caller's transaction; answers how many. */
    public Uni<Integer> deleteFailedSaves(SqlConnection tx, String tenant, List<UUID> threadIds) {
        return tx.preparedQuery(DELETE_FAILED_SAVES).execute(Tuple.of(tenant, threadIds.toArray(new UUID[0])))
                .map(RowSet::rowCount);
    }

    /** Thread namespaces holding more than {@code keep} checkpoints (at most 100 a call). */
    public Uni<List<Tuple>> crowded(int keep) {
        return pool.preparedQuery(CROWDED).execute(Tuple.of(keep)).map(rows -> {
            List<Tuple> found = new ArrayList<>();
            rows.forEach(row -> found.add(Tuple.of(row.getString("tenant_id"), row.getUUID("thread_id"),
                    row.getString("namespace"))));
            return found;
        });
    }

    public Uni<List<RetentionPlan.Row>> retentionRows(Tuple threadNamespace) {
        return pool.preparedQuery(RETENTION_ROWS).execute(threadNamespace).map(rows -> {
            List<RetentionPlan.Row> found = new ArrayList<>();
            rows.forEach(row -> found.add(new RetentionPlan.Row(row.getUUID("id"), row.getUUID("parent_id"),
                    row.getUUID("base_checkpoint_id"), row.getBoolean("is_delta"),
                    row.getOffsetDateTime("created_at").toInstant())));
            return found;
        });
    }

    public Uni<Integer> delete(List<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(0) : pool.preparedQuery(DELETE_IDS)
                .execute(Tuple.of((Object) ids.toArray(new UUID[0]))).map(RowSet::rowCount);
    }

    public Uni<Integer> deleteOldThreads(Duration maxAge) {
        return pool.preparedQuery(DELETE_OLD_THREADS).execute(Tuple.of((double) maxAge.toSeconds()))
                .map(RowSet::rowCount);
    }

    /** Records a save that failed for good, in the caller's transaction (with its outbox event). */
    public Uni<Void> failedSave(SqlConnection tx, NewRow row, String state, int attempts, String error) {
        return tx.preparedQuery(FAILED_SAVE).execute(Tuple.from(new Object[] {UUID.randomUUID(), row.tenant(),
                row.threadId(), row.namespace(), row.id(), state, attempts, error})).replaceWithVoid();
    }

    private static Checkpoint first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : checkpoint(rows.iterator().next());
    }

    private static Stored stored(Row row) {
        return new Stored(checkpoint(row), row.getBuffer("payload").getBytes(), row.getInteger("payload_raw_bytes"));
    }

    private static Checkpoint checkpoint(Row row) {
        return new Checkpoint(row.getUUID("id"), row.getUUID("thread_id"), row.getString("namespace"),
                row.getUUID("parent_id"), JsonCodec.read(row.getString("metadata"), JsonNode.class),
                row.getBoolean("is_delta"), row.getUUID("base_checkpoint_id"), row.getInteger("delta_depth"),
                row.getBoolean("is_compressed"), row.getInteger("data_size_bytes"), row.getInteger("state_size_bytes"),
                row.getString("state_sha256"), row.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC),
                null);
    }
}
