package io.zhiyue.gateway.ratelimit;

import java.time.Duration;

/**
 * One policy, {@code limit} requests per {@code period}, as the generic cell rate algorithm sees it:
 * one request every {@link #intervalMillis()} on average, and up to {@code burst} at once after
 * a quiet spell ({@link #toleranceMillis()} of credit).
 *
 * @param name the policy's name in the RateLimit headers: {@code subject} or {@code tenant}
 */
record RatePolicy(String name, int limit, Duration period, int burst) {

    RatePolicy {
        if (limit < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate-limit policy " + name + " needs limit >= 1, burst >= 1 and a period > 0, got "
                    + limit + " per " + period + " (burst " + burst + ")");
        }
    }

    static RatePolicy subject(RateLimitConfig.RouteLimits limits) {
        return new RatePolicy("subject", limits.subjectLimit(), limits.subjectPeriod(),
                limits.subjectBurst().orElse(limits.subjectLimit()));
    }

    static RatePolicy tenant(RateLimitConfig.RouteLimits limits) {
        return new RatePolicy("tenant", limits.tenantLimit(), limits.tenantPeriod(),
                limits.tenantBurst().orElse(limits.tenantLimit()));
    }

    double intervalMillis() {
        return period.toNanos() / 1_000_000.0 / limit;
    }

    double toleranceMillis() {
        return intervalMillis() * burst;
    }

    /** The window in whole seconds, as the RateLimit-Policy header states it. */
    long windowSeconds() {
        return Math.max(1, (period.toMillis() + 999) / 1000);
    }
}
