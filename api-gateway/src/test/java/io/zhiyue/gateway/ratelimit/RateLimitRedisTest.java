package io.zhiyue.gateway.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.security.RouteClass;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.zhiyue.gateway.ratelimit.RateLimitTestProfile.READS_PER_SUBJECT;
import static io.zhiyue.gateway.ratelimit.RateLimitTestProfile.READS_PER_TENANT;
import static io.zhiyue.gateway.ratelimit.RateLimitTestProfile.WRITES_PER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shared limiter: the Lua script on the devstack's real Redis. Every test uses its own tenant. */
@QuarkusTest
@TestProfile(RateLimitTestProfile.class)
class RateLimitRedisTest {

    @Inject
    RateLimiter limiter;

    @Inject
    ReactiveRedisDataSource redis;

    private RateDecision acquire(RouteClass routeClass, String tenant, String subject) {
        return limiter.acquire(routeClass, tenant, subject).await().atMost(Duration.ofSeconds(5));
    }

    private static String newTenant() {
        return "school-" + UUID.randomUUID();
    }

    @Test
    void allowsTheSubjectLimitThenDeniesWithRetryAfterAndRateLimitHeaders() {
        String tenant = newTenant();
        for (int i = 1; i <= READS_PER_SUBJECT; i++) {
            RateDecision allowed = acquire(RouteClass.READS, tenant, "ana");
            assertThat(allowed.allowed()).as("request %d", i).isTrue();
            assertThat(allowed.local()).as("decided in Redis").isFalse();
            assertThat(allowed.headers())
                    .containsEntry("RateLimit-Policy", "\"subject\";q=3;w=60, \"tenant\";q=5;w=60")
                    .containsEntry("RateLimit", "\"subject\";r=" + (READS_PER_SUBJECT - i) + ";t=" + (20 * i))
                    .doesNotContainKey("Retry-After");
        }

        RateDecision denied = acquire(RouteClass.READS, tenant, "ana");

        assertThat(denied.allowed()).isFalse();
        assertThat(denied.local()).isFalse();
        assertThat(denied.retryAfterSeconds()).isBetween(20, 21);
        assertThat(denied.headers())
                .containsEntry("RateLimit-Policy", "\"subject\";q=3;w=60, \"tenant\";q=5;w=60")
                .containsEntry("RateLimit", "\"subject\";r=0;t=60")
                .containsEntry("Retry-After", Integer.toString(denied.retryAfterSeconds()));
    }

    @Test
    void theTenantLimitTripsAcrossTwoSubjectsAndSparesOtherTenants() {
        String tenant = newTenant();
        for (int i = 0; i < READS_PER_SUBJECT; i++) {
            assertThat(acquire(RouteClass.READS, tenant, "ana").allowed()).isTrue();
        }
        for (int i = READS_PER_SUBJECT; i < READS_PER_TENANT; i++) {
            assertThat(acquire(RouteClass.READS, tenant, "ben").allowed()).isTrue();
        }

        RateDecision denied = acquire(RouteClass.READS, tenant, "ben");
        assertThat(denied.allowed()).as("the school's %d reads are used up", READS_PER_TENANT).isFalse();
        assertThat(denied.retryAfterSeconds()).isGreaterThanOrEqualTo(1);
        assertThat(denied.headers()).containsEntry("RateLimit", "\"tenant\";r=0;t=60");
        assertThat(denied.policies()).filteredOn(policy -> policy.name().equals("subject"))
                .singleElement().extracting(RateDecision.PolicyStatus::remaining).as("ben had one of his own left")
                .isEqualTo(1L);

        RateDecision otherSchool = acquire(RouteClass.READS, newTenant(), "ben");
        assertThat(otherSchool.allowed()).as("another tenant is not affected").isTrue();
        assertThat(acquire(RouteClass.WRITES, tenant, "ben").allowed()).as("nor another route class").isTrue();
    }

    @Test
    void aDeniedRequestConsumesNothing() {
        String tenant = newTenant();
        for (int i = 0; i < READS_PER_SUBJECT; i++) {
            assertThat(acquire(RouteClass.READS, tenant, "ana").allowed()).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            assertThat(acquire(RouteClass.READS, tenant, "ana").allowed()).as("ana is over her limit").isFalse();
        }

        RateDecision ben = acquire(RouteClass.READS, tenant, "ben");
        assertThat(ben.allowed()).as("ana's denials took nothing from the school").isTrue();
        assertThat(ben.policies()).filteredOn(policy -> policy.name().equals("tenant"))
                .singleElement().extracting(RateDecision.PolicyStatus::remaining)
                .isEqualTo((long) READS_PER_TENANT - READS_PER_SUBJECT - 1);
    }

    @Test
    void creditComesBackAfterTheWaitAndIdleKeysExpire() {
        String tenant = newTenant();
        for (int i = 0; i < WRITES_PER_SUBJECT; i++) {
            assertThat(acquire(RouteClass.WRITES, tenant, "ana").allowed()).isTrue();
        }
        assertThat(acquire(RouteClass.WRITES, tenant, "ana").allowed()).isFalse();
        long deniedAt = System.nanoTime();

        Long ttl = redis.key().pttl(RedisRateLimiter.subjectKey(RouteClass.WRITES, tenant, "ana"))
                .await().atMost(Duration.ofSeconds(5));
        assertThat(ttl).as("the key vanishes once its credit is full again").isBetween(1L, 1000L);
        // the tenant's key (2,400 a minute: 25 ms of credit per request) may already be gone: that is the point
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> acquire(RouteClass.WRITES, tenant, "ana").allowed());
        assertThat(Duration.ofNanos(System.nanoTime() - deniedAt)).as("not before the credit came back")
                .isGreaterThan(Duration.ofMillis(200));
    }

    @Test
    void aScriptMissingFromRedisIsLoadedAgain() {
        redis.execute("SCRIPT", "FLUSH").await().atMost(Duration.ofSeconds(5));

        RateDecision decision = acquire(RouteClass.READS, newTenant(), "ana");

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.local()).as("EVAL after NOSCRIPT, not the local fallback").isFalse();
        Boolean known = redis.execute("SCRIPT", "EXISTS", RedisRateLimiter.SCRIPT_SHA)
                .map(reply -> reply.get(0).toInteger() == 1).await().atMost(Duration.ofSeconds(5));
        assertThat(known).isTrue();
    }
}
