package io.zhiyue.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The per-replica limiter used while Redis does not answer: the same GCRA as the shared script,
 * in memory. Memory is bounded: a key is forgotten once its credit is full again (it then means
 * nothing), and at most {@code maxKeys} are kept, the least recently used going first.
 */
final class LocalRateLimiter {

    /** Half a microsecond of slack, so rounding never denies the last request of a burst. */
    static final double SLACK_MILLIS = 0.0005;

    private final Cache<String, Double> arrivals;
    private final LongSupplier nanoClock;

    /**
     * @param forgetAfter the longest credit any policy holds (after it, a key is as good as new)
     * @param nanoClock a monotonic clock in nanoseconds ({@link System#nanoTime()} outside tests)
     */
    LocalRateLimiter(int maxKeys, Duration forgetAfter, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.arrivals = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(forgetAfter.plusSeconds(1))
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** Checks both policies and consumes from both only when both allow; one request at a time per replica. */
    synchronized Outcome acquire(String subjectKey, RatePolicy subject, String tenantKey, RatePolicy tenant) {
        double now = nanoClock.getAsLong() / 1_000_000.0;
        double subjectArrival = theoreticalArrival(subjectKey, now);
        double tenantArrival = theoreticalArrival(tenantKey, now);
        double subjectWait = wait(subject, subjectArrival, now);
        double tenantWait = wait(tenant, tenantArrival, now);
        boolean allowed = subjectWait <= SLACK_MILLIS && tenantWait <= SLACK_MILLIS;
        if (allowed) {
            subjectArrival += subject.intervalMillis();
            tenantArrival += tenant.intervalMillis();
            arrivals.put(subjectKey, subjectArrival);
            arrivals.put(tenantKey, tenantArrival);
        }
        return new Outcome(allowed, usage(subject, subjectArrival, now, subjectWait),
                usage(tenant, tenantArrival, now, tenantWait));
    }

    long trackedKeys() {
        arrivals.cleanUp();
        return arrivals.estimatedSize();
    }

    private double theoreticalArrival(String key, double now) {
        Double stored = arrivals.getIfPresent(key);
        return stored == null ? now : Math.max(stored, now);
    }

    private static double wait(RatePolicy policy, double arrival, double now) {
        return arrival + policy.intervalMillis() - policy.toleranceMillis() - now;
    }

    private static Outcome.Usage usage(RatePolicy policy, double arrival, double now, double wait) {
        long remaining = (long) Math.floor((policy.toleranceMillis() - (arrival - now)) / policy.intervalMillis() + 1e-6);
        return new Outcome.Usage(Math.max(0, remaining), (long) Math.ceil(arrival - now),
                wait <= SLACK_MILLIS ? 0 : (long) Math.ceil(wait));
    }
}
