package io.zhiyue.grading.llm;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait before retrying an unavailable provider: what its {@code Retry-After} asked for when
 * it said so ({@link ProviderBackoff}), else exponential backoff from the initial delay (doubling,
 * with up to a quarter of jitter so parallel calls do not come back at once).
 */
public class RetryAfterBackoff implements CustomBackoffStrategy {

    private long next;

    @Override
    public void init(long initialDelayInMillis) {
        this.next = initialDelayInMillis;
    }

    @Override
    public long nextDelayInMillis(Throwable exception) {
        long exponential = next + ThreadLocalRandom.current().nextLong(next / 4 + 1);
        next = Math.min(next * 2, 30_000);
        return Math.max(exponential, ProviderBackoff.remainingMillis());
    }
}
