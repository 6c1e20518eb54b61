package io.zhiyue.streams.datasource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The slow-query watch: a statement that takes longer than
 * {@code zhiyue.datasource.slow-statement-threshold} (from the call until its rows are in, pool
 * wait included, as the caller sees it) is counted in the histogram
 * {@code zhiyue_db_slow_statements_seconds{statement}} and logged once per statement name, with
 * its name and never its parameters. A statement under the threshold costs two clock reads.
 */
public final class SlowStatements {

    static final String METRIC = "zhiyue.db.slow.statements";
    private static final Logger LOG = Logger.getLogger(SlowStatements.class);

    private final long thresholdNanos;
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public SlowStatements(long thresholdNanos, MeterRegistry registry) {
        this.thresholdNanos = thresholdNanos;
        this.registry = registry;
    }

    /** Runs {@code statement} and watches how long it takes to complete. */
    <T> Future<T> watch(String sql, Supplier<Future<T>> statement) {
        long start = System.nanoTime();
        return statement.get().andThen(ignored -> completed(sql, System.nanoTime() - start));
    }

    void completed(String sql, long tookNanos) {
        if (tookNanos < thresholdNanos) {
            return;
        }
        String name = StatementNames.of(sql);
        timers.computeIfAbsent(name, statement -> firstSlow(statement, tookNanos))
                .record(tookNanos, TimeUnit.NANOSECONDS);
    }

    /** A statement's first slow run: logged, and its timer made (later runs are only counted). */
    private Timer firstSlow(String name, long tookNanos) {
        LOG.warnf("Slow statement '%s' took %d ms (threshold %d ms); further slow runs of it are only counted",
                name, TimeUnit.NANOSECONDS.toMillis(tookNanos), TimeUnit.NANOSECONDS.toMillis(thresholdNanos));
        return Timer.builder(METRIC)
                .description("Database statements slower than the slow-statement threshold, by statement name")
                .tag("statement", name)
                .publishPercentileHistogram()
                .register(registry);
    }
}
