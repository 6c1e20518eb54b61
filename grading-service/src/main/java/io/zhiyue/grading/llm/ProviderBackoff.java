package io.zhiyue.grading.llm;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When the provider may be called again. A {@code Retry-After} on a 429 or 503 speaks for the
 * provider, not for one call (a rate limit holds for the whole key), so it holds back every call
 * of this process until it has passed, not only the call that received it. Kept statically:
 * SmallRye Fault Tolerance creates the backoff strategy that reads it, not CDI.
 */
public final class ProviderBackoff {

    private static final AtomicLong NOT_BEFORE_NANOS = new AtomicLong(System.nanoTime());

    private ProviderBackoff() {
    }

    /** The provider asked for {@code wait} before the next call. */
    static void hold(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        NOT_BEFORE_NANOS.accumulateAndGet(until, (current, next) -> next - current > 0 ? next : current);
    }

    /** How long the provider asked to be left alone from now on (0: it may be called). */
    static long remainingMillis() {
        return Math.max(0, (NOT_BEFORE_NANOS.get() - System.nanoTime()) / 1_000_000);
    }

    /**
     * A {@code Retry-After} value: seconds, or an HTTP date. Null when absent or unreadable (the
     * retry falls back to exponential backoff).
     */
    static Duration parse(String retryAfter) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return null;
        }
        String value = retryAfter.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }
}
