package io.zhiyue.streams.idempotency;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.BiFunction;

/**
 * Runs a handler's work at most once per envelope key and consumer: the key goes into the
 * schema's {@code processed_keys} table in the same transaction as the work, so a redelivered
 * entry finds it and does nothing. A duplicate-key error (PostgreSQL 23505) from the work itself
 * means the same thing (it was done before) and counts as success.
 *
 * <pre>
 * CREATE TABLE processed_keys (consumer text NOT NULL, key text NOT NULL, tenant_id text NOT NULL,
 *     processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, key));
 * </pre>
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String MARK = """
            INSERT INTO processed_keys (consumer, key, tenant_id) VALUES ($1, $2, $3)
            ON CONFLICT (consumer, key) DO NOTHING""";

    private final Outbox outbox;

    public IdempotentConsumer(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * Runs {@code work} in one transaction (with the outbox) unless {@code consumer} processed
     * this envelope's key before. Answers true when the work ran now, false for a duplicate.
     */
    public Uni<Boolean> once(String consumer, Envelope envelope,
            BiFunction<SqlConnection, OutboxEvents, Uni<Void>> work) {
        return outbox.inTransaction((connection, events) -> firstTime(connection, consumer, envelope)
                        .chain(first -> first ? work.apply(connection, events).replaceWith(true)
                                : Uni.createFrom().item(false)))
                .onFailure(IdempotentConsumer::isDuplicateKey).recoverWithItem(false);
    }

    /** Records the key on {@code connection}; false when it was there already. */
    public Uni<Boolean> firstTime(SqlConnection connection, String consumer, Envelope envelope) {
        return connection.preparedQuery(MARK).execute(Tuple.of(consumer, envelope.key(), envelope.tenantId()))
                .map(rows -> rows.rowCount() == 1);
    }

    public static boolean isDuplicateKey(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
