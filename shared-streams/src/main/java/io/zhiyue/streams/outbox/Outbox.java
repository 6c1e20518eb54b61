package io.zhiyue.streams.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.streams.trace.TraceContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The transactional outbox: a service never publishes an event after a commit. It adds the
 * envelopes to {@link OutboxEvents} inside the transaction that makes the change; they are
 * written to its schema's {@code outbox} table before that transaction commits, and the
 * {@link OutboxRelay} publishes them afterwards, in order. A crash or a Redis outage delays
 * events, never loses them, and never blocks the call that made the change.
 */
@ApplicationScoped
public class Outbox {

    private final Pool pool;
    private final OutboxRelay relay;

    public Outbox(Pool pool, OutboxRelay relay) {
        this.pool = pool;
        this.relay = relay;
    }

    /**
     * Runs {@code work} in one transaction together with writing the envelopes it adds. Envelopes
     * without a traceparent get the trace current where this is called.
     */
    public <T> Uni<T> inTransaction(BiFunction<SqlConnection, OutboxEvents, Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            OutboxEvents events = new OutboxEvents(TraceContext.currentTraceparent());
            return pool.withTransaction(connection -> work.apply(connection, events)
                            .call(() -> write(connection, events)))
                    .invoke(() -> {
                        if (!events.isEmpty()) {
                            relay.wake();
                        }
                    });
        });
    }

    /** Publishes one envelope on its own (no state change goes with it), through the outbox all the same. */
    public Uni<Void> publish(String stream, Envelope envelope) {
        return inTransaction((connection, events) -> {
            events.add(stream, envelope);
            return Uni.createFrom().voidItem();
        });
    }

    private static Uni<Void> write(SqlConnection connection, OutboxEvents events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Envelope> envelopes = events.envelopes();
        int n = envelopes.size();
        String[] tenants = new String[n];
        UUID[] ids = new UUID[n];
        String[] types = new String[n];
        Integer[] versions = new Integer[n];
        String[] keys = new String[n];
        String[] traceparents = new String[n];
        OffsetDateTime[] occurred = new OffsetDateTime[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Envelope envelope = envelopes.get(i);
            tenants[i] = envelope.tenantId();
            ids[i] = envelope.id();
            types[i] = envelope.type().name();
            versions[i] = envelope.version();
            keys[i] = envelope.key();
            traceparents[i] = envelope.traceparent();
            occurred[i] = OffsetDateTime.ofInstant(envelope.occurredAt(), ZoneOffset.UTC);
            payloads[i] = JsonCodec.write(envelope.payload());
        }
        return connection.preparedQuery(OutboxSql.INSERT)
                .execute(Tuple.from(Arrays.asList(events.streams().toArray(new String[0]), tenants, ids, types,
                        versions, keys, traceparents, occurred, payloads)))
                .replaceWithVoid();
    }
}
