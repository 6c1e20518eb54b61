package io.zhiyue.cache.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.cache.layered.CachedValue;
import io.zhiyue.cache.layered.EntryKey;
import io.zhiyue.cache.layered.Invalidation;
import io.zhiyue.cache.layered.ScopeKey;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code cache} schema: entries (the source of truth of every layer) and the backlog of changes Redis has
 * not been told about. Batches go in one statement each, keys as parallel arrays.
 */
@ApplicationScoped
public class CacheEntryRepository {

    /** An entry as stored. */
    public record StoredEntry(EntryKey key, CachedValue value) {
    }

    /** A value to store under a key; {@code json} is a JSON object. */
    public record NewValue(EntryKey key, String json) {
    }

    /** A deletion's version (outranking every value written before it) and how many rows it removed. */
    public record Deletion(long version, long rows) {
    }

    /** Where the next warm-up page starts: after this entry, newest first. */
    public record WarmCursor(OffsetDateTime updatedAt, long version) {
    }

    /** One warm-up page, and where the next starts (null: this was the last). */
    public record WarmPage(List<StoredEntry> entries, WarmCursor next) {
    }

    private static final String KEYS = "unnest($1::text[], $2::text[], $3::text[], $4::text[])";
    private static final String FIND = "SELECT e.region, e.tenant_id, e.scope, e.key, e.value::text AS value, e.version"
            + " FROM " + KEYS + " AS k(region, tenant_id, scope, key)"
            + " JOIN entries e USING (region, tenant_id, scope, key)";
    /**
     * An update takes its version after it holds the row's lock, so a row's versions grow in commit order. A new
     * row's number is drawn before the conflict check; if a deletion of the key commits in between, the row keeps
     * a number below the deletion's and is served from PostgreSQL until the tombstone expires: slower, never stale.
     * Rows are taken in key order, so two batches sharing keys lock them in one order and cannot deadlock.
     */
    private static final String UPSERT = """
            INSERT INTO entries AS e (region, tenant_id, scope, key, value, version)
            SELECT region, tenant_id, scope, key, value::jsonb, nextval('entry_version')
              FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS n(region, tenant_id, scope, key, value)
             ORDER BY region, tenant_id, scope, key
            ON CONFLICT (region, tenant_id, scope, key)
            DO UPDATE SET value = EXCLUDED.value, version = nextval('entry_version'), updated_at = now()
            RETURNING e.region, e.tenant_id, e.scope, e.key, e.value::text AS value, e.version""";
    /** The deletion's number is drawn after the row is gone (its lock held), so it outranks the row's version. */
    private static final String DELETE_KEY = """
            WITH gone AS (DELETE FROM entries WHERE region = $1 AND tenant_id = $2 AND scope = $3 AND key = $4 RETURNING 1)
            SELECT nextval('entry_version') AS version, rows FROM (SELECT count(*) AS rows FROM gone) AS done""";
    private static final String DELETE_SCOPE = """
            WITH gone AS (DELETE FROM entries WHERE region = $1 AND tenant_id = $2 AND scope = $3 RETURNING 1)
            SELECT nextval('entry_version') AS version, rows FROM (SELECT count(*) AS rows FROM gone) AS done""";
    /** A batch of keys under one deletion number; rows are locked in key order, as {@link #UPSERT} takes them. */
    private static final String DELETE_KEYS = """
            WITH doomed AS (SELECT region, tenant_id, scope, key FROM entries e JOIN\s""" + KEYS + """
             AS k(region, tenant_id, scope, key) USING (region, tenant_id, scope, key)
                             ORDER BY region, tenant_id, scope, key FOR UPDATE OF e),
                 gone AS (DELETE FROM entries e USING doomed d
                          WHERE (e.region, e.tenant_id, e.scope, e.key) = (d.region, d.tenant_id, d.scope, d.key)
                          RETURNING 1)
            SELECT nextval('entry_version') AS version, rows FROM (SELECT count(*) AS rows FROM gone) AS done""";
    private static final String BACKLOG = """
            INSERT INTO redis_backlog (redis, region, tenant_id, scope, key, version)
            SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])""";
    private static final String TAKE_BACKLOG = """
            DELETE FROM redis_backlog WHERE id IN (
                SELECT id FROM redis_backlog WHERE redis = $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING region, tenant_id, scope, key, version""";
    /** Newest first; a value without a numeric {@code confidence} is never warmed. */
    private static final String WARM_PAGE = """
            SELECT region, tenant_id, scope, key, value::text AS value, version, updated_at FROM entries
             WHERE region = $1 AND updated_at >= $2
               AND ($3::timestamptz IS NULL OR (updated_at, version) < ($3, $4))
               AND CASE WHEN jsonb_typeof(value -> 'confidence') = 'number'
                        THEN (value -> 'confidence')::numeric END >= $5
             ORDER BY updated_at DESC, version DESC
             LIMIT $6""";

    private final Pool pool;

    public CacheEntryRepository(Pool pool) {
        this.pool = pool;
    }

    /** One query for the whole batch; keys without a row are absent from the answer. */
    public Uni<List<StoredEntry>> find(List<EntryKey> keys) {
        String[][] columns = keyColumns(keys);
        return pool.preparedQuery(FIND).execute(Tuple.of(columns[0], columns[1], columns[2], columns[3]))
                .map(CacheEntryRepository::entries);
    }

    /** Stores the values (in one statement) with new versions; answers them as stored, in no particular order. */
    public Uni<List<StoredEntry>> upsert(List<NewValue> values) {
        return upsert(pool, values);
    }

    /**
     * Stores the values and, in the same transaction, records them in the backlog of {@code redis}: for writes
     * made while that Redis is unreachable.
     */
    public Uni<List<StoredEntry>> upsertWithBacklog(List<NewValue> values, String redis) {
        return pool.withTransaction(connection -> upsert(connection, values)
                .call(stored -> backlog(connection, redis, stored.stream()
                        .map(entry -> Invalidation.of(entry.key(), entry.value().version())).toList())));
    }

    /**
     * Deletes the key's row (if any); answers the deletion. With a {@code backlogOf} Redis, the deletion is recorded
     * in its backlog in the same transaction.
     */
    public Uni<Deletion> delete(EntryKey key, String backlogOf) {
        Tuple args = Tuple.of(key.region(), key.tenant(), key.scope(), key.key());
        return deletion(DELETE_KEY, args, version -> List.of(Invalidation.of(key, version)), backlogOf);
    }

    /** Deletes the rows of the keys (in one statement, one version for all); answers and records as {@link #delete}. */
    public Uni<Deletion> deleteAll(List<EntryKey> keys, String backlogOf) {
        String[][] columns = keyColumns(keys);
        Tuple args = Tuple.of(columns[0], columns[1], columns[2], columns[3]);
        return deletion(DELETE_KEYS, args,
                version -> keys.stream().map(key -> Invalidation.of(key, version)).toList(), backlogOf);
    }

    /** Deletes every row of the scope; answers the deletion (recorded as {@link #delete} does). */
    public Uni<Deletion> deleteScope(ScopeKey scope, String backlogOf) {
        Tuple args = Tuple.of(scope.region(), scope.tenant(), scope.scope());
        return deletion(DELETE_SCOPE, args, version -> List.of(Invalidation.of(scope, version)), backlogOf);
    }

    /** Records invalidations the Redis at {@code redis} has not received. */
    public Uni<Void> backlog(String redis, List<Invalidation> invalidations) {
        return backlog(pool, redis, invalidations);
    }

    /**
     * Takes up to {@code limit} backlog rows of {@code redis} and hands them to {@code replay}; they are gone only
     * if it succeeds (one transaction; rows another instance is replaying are skipped). Answers how many were
     * replayed.
     */
    public Uni<Integer> replayBacklog(String redis, int limit, Function<List<Invalidation>, Uni<Void>> replay) {
        return pool.withTransaction(connection -> connection.preparedQuery(TAKE_BACKLOG).execute(Tuple.of(redis, limit))
                .chain(rows -> {
                    List<Invalidation> taken = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        taken.add(new Invalidation(row.getString("region"), row.getString("tenant_id"),
                                row.getString("scope"), row.getString("key"), row.getLong("version")));
                    }
                    return taken.isEmpty() ? Uni.createFrom().item(0) : replay.apply(taken).replaceWith(taken.size());
                }));
    }

    /** A page of a region's entries updated since {@code since} whose confidence is at least {@code minConfidence}. */
    public Uni<WarmPage> warmPage(String region, OffsetDateTime since, BigDecimal minConfidence, WarmCursor after,
            int pageSize) {
        Tuple args = Tuple.tuple().addString(region).addOffsetDateTime(since)
                .addOffsetDateTime(after == null ? null : after.updatedAt()).addLong(after == null ? 0L : after.version())
                .addBigDecimal(minConfidence).addInteger(pageSize);
        return pool.preparedQuery(WARM_PAGE).execute(args).map(rows -> {
            List<StoredEntry> page = entries(rows);
            WarmCursor next = null;
            if (page.size() == pageSize) {
                Row last = null;
                for (Row row : rows) {
                    last = row;
                }
                next = new WarmCursor(last.getOffsetDateTime("updated_at"), last.getLong("version"));
            }
            return new WarmPage(page, next);
        });
    }

    private static Uni<List<StoredEntry>> upsert(SqlClient client, List<NewValue> values) {
        int n = values.size();
        String[] regions = new String[n];
        String[] tenants = new String[n];
        String[] scopes = new String[n];
        String[] keys = new String[n];
        String[] json = new String[n];
        for (int i = 0; i < n; i++) {
            EntryKey key = values.get(i).key();
            regions[i] = key.region();
            tenants[i] = key.tenant();
            scopes[i] = key.scope();
            keys[i] = key.key();
            json[i] = values.get(i).json();
        }
        return client.preparedQuery(UPSERT).execute(Tuple.of(regions, tenants, scopes, keys, json))
                .map(CacheEntryRepository::entries);
    }

    private Uni<Deletion> deletion(String sql, Tuple args, Function<Long, List<Invalidation>> invalidations,
            String backlogOf) {
        if (backlogOf == null) {
            return pool.preparedQuery(sql).execute(args).map(CacheEntryRepository::deletion);
        }
        return pool.withTransaction(connection -> connection.preparedQuery(sql).execute(args)
                .map(CacheEntryRepository::deletion)
                .call(deletion -> backlog(connection, backlogOf, invalidations.apply(deletion.version()))));
    }

    private static Deletion deletion(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return new Deletion(row.getLong("version"), row.getLong("rows"));
    }

    private static Uni<Void> backlog(SqlClient client, String redis, List<Invalidation> invalidations) {
        int n = invalidations.size();
        String[] regions = new String[n];
        String[] tenants = new String[n];
        String[] scopes = new String[n];
        String[] keys = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            Invalidation invalidation = invalidations.get(i);
            regions[i] = invalidation.region();
            tenants[i] = invalidation.tenant();
            scopes[i] = invalidation.scope();
            keys[i] = invalidation.key();
            versions[i] = invalidation.version();
        }
        return client.preparedQuery(BACKLOG).execute(Tuple.of(redis, regions, tenants, scopes, keys, versions))
                .replaceWithVoid();
    }

    private static String[][] keyColumns(List<EntryKey> keys) {
        String[][] columns = new String[4][keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            EntryKey key = keys.get(i);
            columns[0][i] = key.region();
            columns[1][i] = key.tenant();
            columns[2][i] = key.scope();
            columns[3][i] = key.key();
        }
        return columns;
    }

    private static List<StoredEntry> entries(RowSet<Row> rows) {
        List<StoredEntry> entries = new ArrayList<>(rows.size());
        for (Row row : rows) {
            entries.add(new StoredEntry(
                    new EntryKey(row.getString("region"), row.getString("tenant_id"), row.getString("scope"),
                            row.getString("key")),
                    new CachedValue(row.getString("value"), row.getLong("version"))));
        }
        return entries;
    }
}
