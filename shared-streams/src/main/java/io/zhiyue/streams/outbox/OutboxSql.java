package io.zhiyue.streams.outbox;

/**
 * SQL of the transactional outbox. Each service's migration creates {@code outbox} in its own
 * schema (the pool's search_path), with these columns:
 *
 * <pre>
 * CREATE TABLE outbox (
 *     id bigserial PRIMARY KEY, stream text NOT NULL, tenant_id text NOT NULL, envelope_id uuid NOT NULL,
 *     type text NOT NULL, version int NOT NULL, key text NOT NULL, traceparent text,
 *     occurred_at timestamptz NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
 *     sent_at timestamptz, stream_id text);
 * CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
 * </pre>
 */
final class OutboxSql {

    private OutboxSql() {
    }

    static final String INSERT = """
            INSERT INTO outbox (stream, tenant_id, envelope_id, type, version, key, traceparent, occurred_at, payload)
            SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[],
                                 $8::timestamptz[], $9::text[])""";

    /**
     * One relay at a time per schema, across every process of the service: the lock is held until
     * the relay's transaction ends, so rows are published in id order and never by two relays. A
     * relay that finds it taken does not wait (a stalled holder must not pile up connections).
     */
    static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox'))";

    static final String UNSENT = """
            SELECT id, stream, tenant_id, envelope_id, type, version, key, traceparent, occurred_at, payload
            FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1""";

    static final String MARK_SENT = """
            UPDATE outbox o SET sent_at = now(), stream_id = u.stream_id
            FROM unnest($1::bigint[], $2::text[]) AS u(id, stream_id) WHERE o.id = u.id""";

    static final String DELETE_SENT = """
            DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < now() - $1::bigint * interval '1 millisecond'""";

    /** How many rows are unsent and how long the oldest of them has waited (0 without any). */
    static final String BACKLOG = """
            SELECT count(*) AS unsent,
                   coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0) AS oldest_ms
            FROM outbox WHERE sent_at IS NULL""";
}
