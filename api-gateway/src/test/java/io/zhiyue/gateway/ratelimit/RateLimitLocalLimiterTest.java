package io.zhiyue.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-replica limiter on a hand-driven clock. */
class RateLimitLocalLimiterTest {

    private static final RatePolicy THREE_PER_MINUTE = new RatePolicy("subject", 3, Duration.ofSeconds(60), 3);
    private static final RatePolicy ROOMY_TENANT = new RatePolicy("tenant", 1000, Duration.ofSeconds(60), 1000);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LocalRateLimiter limiter = new LocalRateLimiter(1000, Duration.ofSeconds(60), nanos::get);

    private Outcome request(String subject, RatePolicy subjectPolicy, RatePolicy tenantPolicy) {
        return limiter.acquire("s:" + subject, subjectPolicy, "t:school", tenantPolicy);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void allowsTheLimitThenDeniesWithTheWaitUntilTheNextRequest() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            Outcome allowed = request("ana", THREE_PER_MINUTE, ROOMY_TENANT);
            assertThat(allowed.allowed()).isTrue();
            assertThat(allowed.subject().remaining()).isEqualTo(remaining);
        }
        Outcome denied = request("ana", THREE_PER_MINUTE, ROOMY_TENANT);

        assertThat(denied.allowed()).isFalse();
        assertThat(denied.subject().remaining()).isZero();
        assertThat(denied.subject().waitMillis()).isEqualTo(20_000);
        assertThat(denied.subject().resetMillis()).isEqualTo(60_000);
        assertThat(denied.tenant().waitMillis()).isZero();
    }

    @Test
    void creditComesBackOverThePeriodAndIsFullAfterIt() {
        for (int i = 0; i < 3; i++) {
            request("ana", THREE_PER_MINUTE, ROOMY_TENANT);
        }
        advance(Duration.ofSeconds(20));
        assertThat(request("ana", THREE_PER_MINUTE, ROOMY_TENANT).allowed()).as("one interval later, one more").isTrue();
        assertThat(request("ana", THREE_PER_MINUTE, ROOMY_TENANT).allowed()).isFalse();

        advance(Duration.ofSeconds(60));
        for (int i = 0; i < 3; i++) {
            assertThat(request("ana", THREE_PER_MINUTE, ROOMY_TENANT).allowed()).as("request %d after a full period", i).isTrue();
        }
        assertThat(request("ana", THREE_PER_MINUTE, ROOMY_TENANT).allowed()).isFalse();
    }

    @Test
    void aBurstSmallerThanTheLimitCapsRequestsAtOnce() {
        RatePolicy sixtyPerMinuteBurstFive = new RatePolicy("subject", 60, Duration.ofSeconds(60), 5);
        for (int i = 0; i < 5; i++) {
            assertThat(request("ana", sixtyPerMinuteBurstFive, ROOMY_TENANT).allowed()).isTrue();
        }
        Outcome denied = request("ana", sixtyPerMinuteBurstFive, ROOMY_TENANT);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.subject().waitMillis()).isEqualTo(1000);

        advance(Duration.ofSeconds(1));
        assertThat(request("ana", sixtyPerMinuteBurstFive, ROOMY_TENANT).allowed()).isTrue();
        assertThat(request("ana", sixtyPerMinuteBurstFive, ROOMY_TENANT).allowed()).isFalse();
    }

    @Test
    void theTenantLimitTripsAcrossSubjectsAndDeniedRequestsConsumeNothing() {
        RatePolicy fivePerTenant = new RatePolicy("tenant", 5, Duration.ofSeconds(60), 5);
        for (int i = 0; i < 3; i++) {
            assertThat(request("ana", THREE_PER_MINUTE, fivePerTenant).allowed()).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            assertThat(request("ana", THREE_PER_MINUTE, fivePerTenant).allowed()).as("ana is over her own limit").isFalse();
        }
        assertThat(request("ben", THREE_PER_MINUTE, fivePerTenant).allowed()).as("ana's denials took nothing from the school").isTrue();
        assertThat(request("ben", THREE_PER_MINUTE, fivePerTenant).allowed()).isTrue();

        Outcome denied = request("ben", THREE_PER_MINUTE, fivePerTenant);
        assertThat(denied.allowed()).as("the school's five are used up").isFalse();
        assertThat(denied.tenant().remaining()).isZero();
        assertThat(denied.subject().remaining()).as("ben still had one of his own").isEqualTo(1);
    }

    @Test
    void memoryIsBoundedAndIdleKeysAreForgotten() {
        LocalRateLimiter small = new LocalRateLimiter(10, Duration.ofSeconds(60), nanos::get);
        for (int i = 0; i < 100; i++) {
            small.acquire("s:" + i, THREE_PER_MINUTE, "t:school", ROOMY_TENANT);
        }
        assertThat(small.trackedKeys()).isLessThanOrEqualTo(10);

        advance(Duration.ofSeconds(62));
        assertThat(small.trackedKeys()).isZero();
    }
}
