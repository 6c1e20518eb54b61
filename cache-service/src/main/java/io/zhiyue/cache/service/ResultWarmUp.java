package io.zhiyue.cache.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.layered.CacheStatus;
import io.zhiyue.cache.layered.LayeredCache;
import io.zhiyue.cache.layered.RedisKeys;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.cache.repository.CacheEntryRepository.WarmCursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fills Redis with the results worth having there: updated within {@code warm-up.max-age} (7 days) with a
 * {@code confidence} of at least {@code warm-up.min-confidence} (0.9), newest first, a page at a time. Runs after
 * start-up without delaying it, and again whenever the cache recovers from a Redis outage (Redis may have lost
 * everything). One instance warms at a time (a Redis lock); a value never replaces a newer one.
 *
 * <p>Meters: {@code zhiyue.cache.warmup.entries} (values written to Redis) and {@code zhiyue.cache.warmup.runs}
 * {outcome=completed|skipped|failed}.
 */
@ApplicationScoped
public class ResultWarmUp {

    /** Longer than a warm-up of a week of results takes; the lock ends with the run or with this. */
    private static final Duration LOCK_HOLD = Duration.ofMinutes(5);

    private final CacheEntryRepository repository;
    private final LayeredCache cache;
    private final CacheConfig.WarmUp config;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Counter warmed;
    private final Counter completed;
    private final Counter skipped;
    private final Counter failed;

    public ResultWarmUp(CacheEntryRepository repository, LayeredCache cache, CacheConfig config,
            MeterRegistry registry) {
        this.repository = repository;
        this.cache = cache;
        this.config = config.warmUp();
        this.warmed = Counter.builder("zhiyue.cache.warmup.entries").description("result values warmed into Redis")
                .register(registry);
        this.completed = runs(registry, "completed");
        this.skipped = runs(registry, "skipped");
        this.failed = runs(registry, "failed");
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            start("start-up");
        }
    }

    void onStatus(@Observes CacheStatus status) {
        if (config.enabled() && !status.degraded()) {
            start("Redis recovery");
        }
    }

    private void start(String why) {
        run().subscribe().with(
                count -> Log.infof("warm-up after %s: %d results written to Redis", why, count),
                failure -> Log.warnf("warm-up after %s failed: %s", why, failure.toString()));
    }

    /**
     * One warm-up; answers how many values it wrote to Redis (0 when another run, here or on another instance,
     * is under way).
     */
    public Uni<Integer> run() {
        return Uni.createFrom().deferred(() -> {
            if (!running.compareAndSet(false, true)) {
                skipped.increment();
                return Uni.createFrom().item(0);
            }
            return cache.lock(RedisKeys.WARM_UP_LOCK, LOCK_HOLD).chain(token -> {
                if (token == null) {
                    skipped.increment();
                    return Uni.createFrom().item(0);
                }
                OffsetDateTime since = OffsetDateTime.now().minus(config.maxAge());
                return warmFrom(since, null, 0)
                        .invoke(count -> completed.increment())
                        .onFailure().invoke(failure -> failed.increment())
                        .eventually(() -> cache.unlock(RedisKeys.WARM_UP_LOCK, token).onFailure().recoverWithNull());
            }).eventually(() -> running.set(false));
        });
    }

    private Uni<Integer> warmFrom(OffsetDateTime since, WarmCursor after, int warmedSoFar) {
        return repository.warmPage(ResultCache.REGION, since, config.minConfidence(), after, config.pageSize())
                .chain(page -> (page.entries().isEmpty() ? Uni.createFrom().item(0) : cache.warm(page.entries()))
                        .invoke(count -> warmed.increment(count))
                        .chain(count -> page.next() == null ? Uni.createFrom().item(warmedSoFar + count)
                                : warmFrom(since, page.next(), warmedSoFar + count)));
    }

    private static Counter runs(MeterRegistry registry, String outcome) {
        return Counter.builder("zhiyue.cache.warmup.runs").tag("outcome", outcome).register(registry);
    }
}
