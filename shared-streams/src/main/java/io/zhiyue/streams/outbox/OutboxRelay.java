package io.zhiyue.streams.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.streams.config.StreamsConfig;
import io.zhiyue.streams.lease.RetentionSweeps;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the outbox of this service's schema in id order and marks what it published as sent,
 * in one transaction under an advisory lock, so one relay at a time (across every process of the
 * service) publishes and the order holds. At-least-once: a crash after the publish and before
 * the commit publishes those rows again; consumers dedupe on the envelope key.
 *
 * <p>A commit that wrote rows wakes the relay at once; a timer wakes it too, for rows another
 * process wrote and could not relay. Wake-ups while a run is in progress fold into one more run.
 *
 * <p>The backlog is counted every {@value #BACKLOG_SECONDS} s for the outbox alert: {@code zhiyue.outbox.backlog}
 * (rows not yet published) and {@code zhiyue.outbox.backlog.age} (seconds the oldest of them has waited).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int RUN_AGAIN = 2;
    private static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);
    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);
    /** A run that takes longer has hung (a frozen database); the poll timer starts a new one. */
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    /** What {@link #relayOnce()} answers when another relay holds the lock. */
    static final int BUSY = -1;
    /** How soon to look again when another relay was busy: its commit may have come after its read. */
    private static final Duration BUSY_RETRY = Duration.ofMillis(50);
    static final int BACKLOG_SECONDS = 15;

    private final Pool pool;
    private final RetentionSweeps sweeps;
    private final StreamPublisher publisher;
    private final StreamsConfig config;
    private final Vertx vertx;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Counter published;
    private final Counter failures;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong backlogAgeMillis = new AtomicLong();
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile boolean enabled;
    private volatile long lastFailureLog;
    private volatile boolean failing;
    private long pollTimer = -1;
    private long cleanupTimer = -1;
    private long backlogTimer = -1;

    public OutboxRelay(Pool pool, StreamPublisher publisher, StreamsConfig config, Vertx vertx,
            MeterRegistry registry, RetentionSweeps sweeps) {
        this.sweeps = sweeps;
        this.pool = pool;
        this.publisher = publisher;
        this.config = config;
        this.vertx = vertx;
        this.published = Counter.builder("zhiyue.outbox.published").register(registry);
        this.failures = Counter.builder("zhiyue.outbox.relay.failures").register(registry);
        Gauge.builder("zhiyue.outbox.backlog", backlog, AtomicLong::get)
                .description("outbox rows of this service not yet published, as of the last count").register(registry);
        Gauge.builder("zhiyue.outbox.backlog.age", backlogAgeMillis, millis -> millis.get() / 1000.0)
                .baseUnit("seconds").description("how long the oldest unpublished outbox row has waited")
                .register(registry);
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        enabled = config.outbox().relayEnabled();
        if (!enabled) {
            return;
        }
        pollTimer = vertx.setPeriodic(config.outbox().pollInterval().toMillis(), id -> wake());
        cleanupTimer = vertx.setPeriodic(CLEANUP_INTERVAL.toMillis(), id -> deleteSent().subscribe().with(ignored -> { },
                failure -> LOG.debugf("deleting sent outbox rows failed: %s", failure.getMessage())));
        backlogTimer = vertx.setPeriodic(Duration.ofSeconds(BACKLOG_SECONDS).toMillis(), id -> countBacklog());
        wake();
    }

    void onStop(@Observes @Priority(30) ShutdownEvent event) {
        flush(Duration.ofSeconds(3));
        enabled = false;
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        if (cleanupTimer >= 0) {
            vertx.cancelTimer(cleanupTimer);
        }
        if (backlogTimer >= 0) {
            vertx.cancelTimer(backlogTimer);
        }
    }

    /** Asks for a run soon; cheap, never blocks, safe from any thread. */
    public void wake() {
        if (!enabled) {
            return;
        }
        while (true) {
            int current = state.get();
            if (current == IDLE) {
                if (state.compareAndSet(IDLE, RUNNING)) {
                    runUntilIdle();
                    return;
                }
            } else if (current == RUNNING) {
                if (state.compareAndSet(RUNNING, RUN_AGAIN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    /** Publishes everything unsent, waiting at most {@code timeout}; for shutdown and tests. */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                int published = relayOnce().await().atMost(timeout);
                if (published == 0) {
                    return;
                }
                if (published == BUSY) {
                    Thread.sleep(BUSY_RETRY.toMillis());
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("flushing the outbox failed: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rows not yet published (for health data and tests). */
    public Uni<Long> unsent() {
        return pool.query(OutboxSql.BACKLOG).execute().map(rows -> rows.iterator().next().getLong("unsent"));
    }

    private void runUntilIdle() {
        relayOnce().ifNoItem().after(RUN_TIMEOUT).fail().subscribe().with(count -> {
            recovered();
            if (count == BUSY) {
                // another process relays; rows committed after its read would wait for the poll
                state.set(IDLE);
                vertx.setTimer(BUSY_RETRY.toMillis(), id -> wake());
            } else if (count >= config.outbox().batchSize() || !state.compareAndSet(RUNNING, IDLE)) {
                // a full batch (more may wait) or a wake-up during the run
                state.set(RUNNING);
                runUntilIdle();
            }
        }, failure -> {
            failed(failure);
            // a failing relay must not spin: wake-ups during this run wait for the poll timer
            state.set(IDLE);
        });
    }

    /**
     * One transaction: take the lock (or answer {@link #BUSY}), read a batch in id order, publish
     * it in that order, mark it sent.
     */
    Uni<Integer> relayOnce() {
        return pool.withTransaction(connection -> connection.query(OutboxSql.TRY_LOCK).execute()
                .chain(locked -> !locked.iterator().next().getBoolean(0) ? Uni.createFrom().item(BUSY)
                        : connection.preparedQuery(OutboxSql.UNSENT).execute(Tuple.of(config.outbox().batchSize()))
                                .chain(rows -> publishAndMark(connection, rows))));
    }

    /** Publishes a batch and marks it sent on {@code connection}; package-private so a test can crash between them. */
    Uni<Integer> publishAndMark(SqlConnection connection, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().item(0);
        }
        List<Long> ids = new ArrayList<>(rows.size());
        List<Map.Entry<String, Envelope>> entries = new ArrayList<>(rows.size());
        for (Row row : rows) {
            ids.add(row.getLong("id"));
            entries.add(Map.entry(row.getString("stream"), envelope(row)));
        }
        return publisher.publishInOrder(entries).chain(streamIds -> connection.preparedQuery(OutboxSql.MARK_SENT)
                .execute(Tuple.of(ids.toArray(new Long[0]), streamIds.toArray(new String[0])))
                .invoke(() -> published.increment(ids.size()))
                .replaceWith(ids.size()));
    }

    private static Envelope envelope(Row row) {
        try {
            return new Envelope(row.getUUID("envelope_id"), EventType.valueOf(row.getString("type")),
                    row.getInteger("version"), row.getOffsetDateTime("occurred_at").toInstant(),
                    row.getString("tenant_id"), row.getString("traceparent"), row.getString("key"),
                    JsonCodec.mapper().readTree(row.getString("payload")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One count at a time, and given up after a round: a database that does not answer must not pile them up. */
    void countBacklog() {
        if (!counting.compareAndSet(false, true)) {
            return;
        }
        pool.query(OutboxSql.BACKLOG).execute().ifNoItem().after(Duration.ofSeconds(BACKLOG_SECONDS)).fail()
                .eventually(() -> counting.set(false))
                .subscribe().with(this::showBacklog,
                        failure -> LOG.debugf("counting the outbox backlog failed: %s", failure.getMessage()));
    }

    private void showBacklog(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        backlog.set(row.getLong("unsent"));
        backlogAgeMillis.set(row.getLong("oldest_ms"));
    }

    /** Sent rows past the retention period, on the instance that holds the retention lease; whether it swept. */
    Uni<Boolean> deleteSent() {
        return sweeps.ifLeader("outbox", () -> pool.preparedQuery(OutboxSql.DELETE_SENT)
                .execute(Tuple.of(config.outbox().retention().toMillis())).map(rows -> rows.rowCount()));
    }

    private void failed(Throwable failure) {
        failures.increment();
        long now = System.nanoTime();
        if (!failing || now - lastFailureLog > FAILURE_LOG_INTERVAL.toNanos()) {
            LOG.warnf("the outbox relay could not publish (events wait in the outbox, retried every %s): %s",
                    config.outbox().pollInterval(), failure.getMessage());
            lastFailureLog = now;
        }
        failing = true;
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("the outbox relay publishes again");
        }
    }
}
