package io.zhiyue.tracing.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.tracing.alert.SlowSpanAlerts;
import io.zhiyue.tracing.config.TracingConfig;
import io.zhiyue.tracing.otlp.SpanRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepted spans on their way to PostgreSQL: a bounded queue ({@code queue-capacity} spans, those being written
 * included) that a request either fits into whole or not at all — then the receiver answers 503 and the exporter
 * retries — never blocking; one writer stores them {@code batch-size} at a time in one statement, with their slow-span
 * alerts in the same transaction. A batch PostgreSQL could not take for a passing reason (a lost connection, a
 * restart) is tried again first, so nothing accepted is dropped while the process lives; one it refuses as data
 * (which no retry changes) is dropped and counted.
 */
@ApplicationScoped
@Startup
public class SpanStore {

    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
    private static final String INSERT = """
            INSERT INTO spans (trace_id, span_id, parent_span_id, service, name, kind, start_time, end_time,
                               duration_us, status_code, status_message, tenant_id, attributes, events, links,
                               resource, scope)
            SELECT t.trace_id, t.span_id, t.parent, t.service, t.name, t.kind,
                   timestamptz 'epoch' + t.start_us * interval '1 microsecond',
                   timestamptz 'epoch' + t.end_us * interval '1 microsecond',
                   t.end_us - t.start_us, t.status, t.message, t.tenant, t.attributes::jsonb, t.events::jsonb,
                   t.links::jsonb, t.resource::jsonb, t.scope
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[],
                        $8::int8[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                        $15::text[], $16::text[])
                 AS t(trace_id, span_id, parent, service, name, kind, start_us, end_us, status, message, tenant,
                      attributes, events, links, resource, scope)
            ON CONFLICT (trace_id, span_id) DO NOTHING""";

    private final Outbox outbox;
    private final SlowSpanAlerts alerts;
    private final Vertx vertx;
    private final int capacity;
    private final int batchSize;
    private final ConcurrentLinkedQueue<SpanRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final Counter accepted;
    private final Counter refused;
    private final Counter stored;
    private final Counter dropped;
    private volatile List<SpanRecord> held;
    private volatile boolean running = true;

    public SpanStore(Outbox outbox, SlowSpanAlerts alerts, Vertx vertx, TracingConfig config, MeterRegistry registry) {
        this.outbox = outbox;
        this.alerts = alerts;
        this.vertx = vertx;
        this.capacity = config.queueCapacity();
        this.batchSize = config.batchSize();
        this.accepted = spans(registry, "accepted", "Spans taken into the queue");
        this.refused = spans(registry, "refused", "Spans answered 503 because the queue was full");
        this.stored = spans(registry, "stored", "Spans written to PostgreSQL");
        this.dropped = spans(registry, "dropped", "Spans PostgreSQL refused as data");
        Gauge.builder("zhiyue.tracing.queue.spans", pending, AtomicInteger::get)
                .description("Spans accepted and not yet stored").register(registry);
    }

    private static Counter spans(MeterRegistry registry, String outcome, String description) {
        return Counter.builder("zhiyue.tracing.spans").tag("outcome", outcome).description(description)
                .register(registry);
    }

    /** Takes all of the spans, or none when they do not fit (the caller answers 503). */
    public boolean offer(List<SpanRecord> spans) {
        if (spans.isEmpty()) {
            return true;
        }
        if (!running || pending.addAndGet(spans.size()) > capacity) {
            if (running) {
                pending.addAndGet(-spans.size());
            }
            refused.increment(spans.size());
            return false;
        }
        queue.addAll(spans);
        accepted.increment(spans.size());
        wake();
        return true;
    }

    /** The most spans the queue holds. */
    public int capacity() {
        return capacity;
    }

    /** Spans accepted and not yet stored. */
    public int pending() {
        return pending.get();
    }

    private void wake() {
        if (writing.compareAndSet(false, true)) {
            write();
        }
    }

    private void write() {
        List<SpanRecord> batch = held != null ? held : drain();
        held = null;
        if (batch.isEmpty()) {
            writing.set(false);
            if (!queue.isEmpty()) {
                wake();
            }
            return;
        }
        outbox.inTransaction((tx, events) -> insert(tx, batch).invoke(() -> alerts.check(batch, events)))
                .subscribe().with(ignored -> {
                    pending.addAndGet(-batch.size());
                    stored.increment(batch.size());
                    writing.set(false);
                    if (!queue.isEmpty()) {
                        wake();
                    }
                }, failure -> {
                    if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
                        Log.errorf("%d spans were dropped: PostgreSQL refused them as data (%s)", batch.size(),
                                pg.getMessage());
                        pending.addAndGet(-batch.size());
                        dropped.increment(batch.size());
                    } else {
                        Log.warnf("%d spans could not be stored yet, trying again: %s", batch.size(), failure.toString());
                        held = batch;
                    }
                    writing.set(false);
                    if (running) {
                        vertx.setTimer(RETRY_PAUSE.toMillis(), id -> wake());
                    }
                });
    }

    private List<SpanRecord> drain() {
        List<SpanRecord> batch = new ArrayList<>(Math.min(batchSize, Math.max(16, pending.get())));
        SpanRecord span;
        while (batch.size() < batchSize && (span = queue.poll()) != null) {
            batch.add(span);
        }
        return batch;
    }

    private static Uni<Void> insert(SqlConnection tx, List<SpanRecord> batch) {
        int n = batch.size();
        String[] traceIds = new String[n];
        String[] spanIds = new String[n];
        String[] parents = new String[n];
        String[] services = new String[n];
        String[] names = new String[n];
        String[] kinds = new String[n];
        Long[] starts = new Long[n];
        Long[] ends = new Long[n];
        String[] statuses = new String[n];
        String[] messages = new String[n];
        String[] tenants = new String[n];
        String[] attributes = new String[n];
        String[] events = new String[n];
        String[] links = new String[n];
        String[] resources = new String[n];
        String[] scopes = new String[n];
        for (int i = 0; i < n; i++) {
            SpanRecord span = batch.get(i);
            traceIds[i] = span.traceId();
            spanIds[i] = span.spanId();
            parents[i] = span.parentSpanId();
            services[i] = span.service();
            names[i] = span.name();
            kinds[i] = span.kind();
            starts[i] = span.startNanos() / 1_000;
            ends[i] = span.endNanos() / 1_000;
            statuses[i] = span.statusCode();
            messages[i] = span.statusMessage();
            tenants[i] = span.tenant();
            attributes[i] = span.attributes();
            events[i] = span.events();
            links[i] = span.links();
            resources[i] = span.resource();
            scopes[i] = span.scope();
        }
        Tuple values = Tuple.tuple().addArrayOfString(traceIds).addArrayOfString(spanIds).addArrayOfString(parents)
                .addArrayOfString(services).addArrayOfString(names).addArrayOfString(kinds).addArrayOfLong(starts)
                .addArrayOfLong(ends).addArrayOfString(statuses).addArrayOfString(messages)
                .addArrayOfString(tenants).addArrayOfString(attributes).addArrayOfString(events)
                .addArrayOfString(links).addArrayOfString(resources).addArrayOfString(scopes);
        return tx.preparedQuery(INSERT).execute(values).replaceWithVoid();
    }

    /**
     * On shutdown new spans are refused (exporters retry them with the next instance) and what was accepted gets
     * up to the shutdown timeout to be stored.
     */
    void drainOnStop(@Observes ShutdownEvent event) {
        running = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            wake();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (pending.get() > 0) {
            Log.warnf("%d accepted spans were not stored before shutdown", pending.get());
        }
    }
}
