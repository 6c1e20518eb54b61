package io.zhiyue.tracing.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import io.zhiyue.streams.health.DependencyFailures;
import io.zhiyue.streams.http.Problems;
import io.zhiyue.tracing.alert.SlowSpanAlerts;
import io.zhiyue.tracing.config.TracingConfig;
import io.zhiyue.tracing.otlp.SpanRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepted spans on their way to PostgreSQL: a bounded queue ({@code queue-capacity} spans, those being written
 * included) that a request either fits into whole or not at all — then the receiver answers 503 and the exporter
 * retries — never blocking; one writer stores them {@code batch-size} at a time in one statement, then raises the
 * slow-span alerts of the spans that were new. A batch PostgreSQL could not take for a passing reason (a lost
 * connection, a timeout, a restart) is tried again first, so nothing accepted is dropped while the process lives;
 * one it refuses for good (a value it cannot store) is split in halves until only the spans it refuses are left,
 * which are dropped and counted — one bad span never holds up the others.
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
            ON CONFLICT (trace_id, span_id) DO NOTHING
            RETURNING trace_id, span_id""";

    private final Pool pool;
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
    /** Batches to write before the queue: one to try again, or the halves of one refused for good. */
    private final Deque<List<SpanRecord>> first = new ConcurrentLinkedDeque<>();
    private final Duration shutdownTimeout;
    private volatile boolean running = true;

    public SpanStore(Pool pool, SlowSpanAlerts alerts, Vertx vertx, TracingConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.shutdown.timeout") Duration shutdownTimeout) {
        this.pool = pool;
        this.shutdownTimeout = shutdownTimeout;
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

    /** Takes all of the spans, or none when they do not fit or the service is stopping (the caller answers 503). */
    public boolean offer(List<SpanRecord> spans) {
        if (spans.isEmpty()) {
            return true;
        }
        int size = spans.size();
        if (pending.addAndGet(size) > capacity || !running) {
            pending.addAndGet(-size);
            refused.increment(size);
            return false;
        }
        queue.addAll(spans);
        accepted.increment(size);
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
        List<SpanRecord> polled = first.poll();
        List<SpanRecord> batch = polled != null ? polled : drain();
        if (batch.isEmpty()) {
            writing.set(false);
            if (!queue.isEmpty()) {
                wake();
            }
            return;
        }
        insert(pool, batch)
                .subscribe().with(inserted -> {
                    pending.addAndGet(-batch.size());
                    stored.increment(batch.size());
                    writing.set(false);
                    alerts.raise(batch, inserted);
                    if (!queue.isEmpty() || !first.isEmpty()) {
                        wake();
                    }
                }, failure -> {
                    if (passing(failure)) {
                        Log.warnf("%d spans could not be stored yet, trying again: %s", batch.size(),
                                failure.toString());
                        first.addFirst(batch);
                    } else if (batch.size() > 1) {
                        // refused for good: find the spans it refuses, store the others
                        first.addFirst(batch.subList(batch.size() / 2, batch.size()));
                        first.addFirst(batch.subList(0, batch.size() / 2));
                    } else {
                        SpanRecord span = batch.getFirst();
                        Log.errorf("span %s of trace %s (%s) was dropped: PostgreSQL refused it (%s)", span.spanId(),
                                span.traceId(), span.service(), failure.getMessage());
                        pending.addAndGet(-1);
                        dropped.increment();
                    }
                    writing.set(false);
                    if (passing(failure)) {
                        if (running) {
                            vertx.setTimer(RETRY_PAUSE.toMillis(), id -> wake());
                        }
                    } else {
                        wake();
                    }
                });
    }

    /** A failure that passes (PostgreSQL away, a timeout): the same batch is tried again. */
    private static boolean passing(Throwable failure) {
        return failure instanceof PgException pg ? Problems.isTransient(pg) : DependencyFailures.isUnavailable(failure);
    }

    private List<SpanRecord> drain() {
        List<SpanRecord> batch = new ArrayList<>(Math.min(batchSize, Math.max(16, pending.get())));
        SpanRecord span;
        while (batch.size() < batchSize && (span = queue.poll()) != null) {
            batch.add(span);
        }
        return batch;
    }

    /** Stores the batch; answers the spans that were new ("traceId/spanId"): a span sent again is not. */
    private static Uni<Set<String>> insert(Pool pool, List<SpanRecord> batch) {
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
        return pool.preparedQuery(INSERT).execute(values).map(rows -> {
            Set<String> inserted = new HashSet<>(rows.size() * 2);
            rows.forEach(row -> inserted.add(row.getString(0) + "/" + row.getString(1)));
            return inserted;
        });
    }

    /**
     * On shutdown new spans are refused (exporters retry them with the next instance) and what was accepted gets
     * most of the shutdown timeout to be stored.
     */
    void drainOnStop(@Observes ShutdownEvent event) {
        running = false;
        long deadline = System.nanoTime() + shutdownTimeout.multipliedBy(3).dividedBy(4).toNanos();
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
