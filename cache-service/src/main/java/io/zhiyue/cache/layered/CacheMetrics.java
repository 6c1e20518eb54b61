package io.zhiyue.cache.layered;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The meters of one layered cache instance:
 * <ul>
 *   <li>{@code zhiyue.cache.hits} / {@code zhiyue.cache.misses} {layer}: keys answered / not answered per layer</li>
 *   <li>{@code zhiyue.cache.load} {layer=local|redis|postgres}: one timed read per batch of the local layer, and
 *       one per batch that went below it (its count is the number of loads: concurrent misses of one key share
 *       one); a histogram from 1 µs to 10 s with bucket bounds at the targets (0.1 ms local, 2 ms Redis), so the
 *       share within a target and the quantiles of any window can be read from two scrapes</li>
 *   <li>{@code zhiyue.cache.degraded}: 1 while Redis is unusable and reads and writes go to PostgreSQL</li>
 *   <li>{@code zhiyue.cache.local.entries}: entries in the in-process layer</li>
 *   <li>{@code zhiyue.cache.invalidations} {outcome=applied|ignored}: invalidations received (older than one
 *       seen: ignored)</li>
 *   <li>{@code zhiyue.cache.redis.failures}: Redis calls that failed or timed out</li>
 *   <li>{@code zhiyue.cache.backlog.replayed}: changes Redis missed, replayed from PostgreSQL</li>
 * </ul>
 */
public final class CacheMetrics {

    private final Map<Layer, Counter> hits = new EnumMap<>(Layer.class);
    private final Map<Layer, Counter> misses = new EnumMap<>(Layer.class);
    private final Map<Layer, Timer> loads = new EnumMap<>(Layer.class);
    private final Counter applied;
    private final Counter ignored;
    private final Counter redisFailures;
    private final Counter replayed;

    CacheMetrics(MeterRegistry registry, BooleanSupplier degraded, LongSupplier localEntries) {
        for (Layer layer : Layer.values()) {
            hits.put(layer, Counter.builder("zhiyue.cache.hits").tag("layer", layer.label())
                    .description("keys answered by the layer").register(registry));
            misses.put(layer, Counter.builder("zhiyue.cache.misses").tag("layer", layer.label())
                    .description("keys the layer did not hold").register(registry));
            loads.put(layer, Timer.builder("zhiyue.cache.load").tag("layer", layer.label())
                    .description("batches read from the layer (local: the in-process map, inside the service)")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(2)).register(registry));
        }
        Gauge.builder("zhiyue.cache.degraded", () -> degraded.getAsBoolean() ? 1 : 0)
                .description("1 while Redis is unusable and the cache serves from PostgreSQL").register(registry);
        Gauge.builder("zhiyue.cache.local.entries", localEntries::getAsLong).register(registry);
        this.applied = Counter.builder("zhiyue.cache.invalidations").tag("outcome", "applied").register(registry);
        this.ignored = Counter.builder("zhiyue.cache.invalidations").tag("outcome", "ignored").register(registry);
        this.redisFailures = Counter.builder("zhiyue.cache.redis.failures").register(registry);
        this.replayed = Counter.builder("zhiyue.cache.backlog.replayed").register(registry);
    }

    void looked(Layer layer, int found, int missing) {
        hits.get(layer).increment(found);
        misses.get(layer).increment(missing);
    }

    Timer load(Layer layer) {
        return loads.get(layer);
    }

    void invalidation(boolean wasApplied) {
        (wasApplied ? applied : ignored).increment();
    }

    void redisFailed() {
        redisFailures.increment();
    }

    void replayed(int count) {
        replayed.increment(count);
    }

    /** Keys the layer answered so far: what tests compare before and after. */
    public double hits(Layer layer) {
        return hits.get(layer).count();
    }

    public double misses(Layer layer) {
        return misses.get(layer).count();
    }

    /** Batches read from the layer so far (Redis or PostgreSQL). */
    public long loads(Layer layer) {
        return loads.get(layer).count();
    }

    public double ignoredInvalidations() {
        return ignored.count();
    }
}
