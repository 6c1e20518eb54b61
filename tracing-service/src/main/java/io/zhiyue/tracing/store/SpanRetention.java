package io.zhiyue.tracing.store;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.tracing.config.TracingConfig;
import io.zhiyue.streams.lease.RetentionSweeps;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Spans older than {@code retention} (7 days by default) go, every ten minutes, a chunk of rows per statement so
 * no sweep holds the table long, on the instance that holds the retention lease ({@link RetentionSweeps}).
 */
@ApplicationScoped
public class SpanRetention {

    private static final int CHUNK = 10_000;
    private static final String DELETE = """
            DELETE FROM spans WHERE ctid IN (SELECT ctid FROM spans WHERE start_time < $1 LIMIT $2)""";

    private final Pool pool;
    private final TracingConfig config;
    private final RetentionSweeps sweeps;

    public SpanRetention(Pool pool, TracingConfig config, RetentionSweeps sweeps) {
        this.pool = pool;
        this.config = config;
        this.sweeps = sweeps;
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepUnderLease().replaceWithVoid();
    }

    /** One pass when this instance holds the retention lease (taking it if free); answers whether it ran. */
    public Uni<Boolean> sweepUnderLease() {
        return sweeps.ifLeader("spans", this::sweepOnce);
    }

    /** One pass; answers how many spans went. */
    public Uni<Long> sweepOnce() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(config.retention());
        return chunk(before, 0).invoke(deleted -> {
            if (deleted > 0) {
                Log.infof("retention deleted %d spans older than %s", deleted, config.retention());
            }
        });
    }

    private Uni<Long> chunk(OffsetDateTime before, long so) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(before, CHUNK)).chain(rows -> rows.rowCount() < CHUNK
                ? Uni.createFrom().item(so + rows.rowCount()) : chunk(before, so + rows.rowCount()));
    }
}
