package io.zhiyue.gateway.ratelimit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.zhiyue.gateway.security.RouteClass;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.zhiyue.gateway.ratelimit.RateLimitTestProfile.READS_PER_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis unreachable: each limiter here has its own Redis client (a refused port, a silent port, or
 * an embedded Redis this test starts and stops), so the shared devstack Redis is never touched.
 * Decisions stay limited, locally: allowed up to the limit, then denied, never all denied.
 */
@QuarkusTest
@TestProfile(RateLimitTestProfile.class)
class RateLimitFallbackTest {

    @Inject
    RateLimitConfig config;

    @Inject
    Vertx vertx;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Redis client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private RateLimiter limiterOn(int port) {
        client = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
        return new RateLimiter(config, new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client)), registry);
    }

    private static RateDecision acquire(RateLimiter limiter, String tenant, String subject) {
        // the Redis timeout is 250 ms; without it the client's own 5 s would apply
        return limiter.acquire(RouteClass.READS, tenant, subject).await().atMost(Duration.ofSeconds(3));
    }

    private double count(String metric, String... tags) {
        var counter = registry.find(metric).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private void assertLimitedLocally(RateLimiter limiter) {
        String tenant = "school-" + UUID.randomUUID();
        for (int i = 0; i < READS_PER_SUBJECT; i++) {
            RateDecision allowed = acquire(limiter, tenant, "ana");
            assertThat(allowed.allowed()).as("request %d within the limit", i + 1).isTrue();
            assertThat(allowed.local()).isTrue();
            assertThat(allowed.headers()).containsKeys("RateLimit-Policy", "RateLimit");
        }
        RateDecision denied = acquire(limiter, tenant, "ana");
        assertThat(denied.allowed()).as("over the limit, even without Redis").isFalse();
        assertThat(denied.local()).isTrue();
        assertThat(denied.retryAfterSeconds()).isGreaterThanOrEqualTo(1);
        assertThat(denied.headers()).containsEntry("Retry-After", Integer.toString(denied.retryAfterSeconds()));

        assertThat(acquire(limiter, tenant, "ben").allowed()).as("another subject is still served").isTrue();
    }

    @Test
    void refusedConnectionsFallBackToLocalLimits() {
        RateLimiter limiter = limiterOn(io.zhiyue.devstack.Ports.unused());

        assertLimitedLocally(limiter);

        assertThat(count(RateLimiter.FALLBACK_METRIC)).isEqualTo(READS_PER_SUBJECT + 2);
        assertThat(count(RateLimiter.DECISIONS_METRIC, "route_class", "reads", "outcome", "allowed"))
                .isEqualTo(READS_PER_SUBJECT + 1);
        assertThat(count(RateLimiter.DECISIONS_METRIC, "route_class", "reads", "outcome", "denied")).isEqualTo(1);
    }

    @Test
    void aRedisThatDoesNotAnswerFallsBackAfterTheTimeout() throws IOException {
        // accepts connections (the kernel's backlog) and never replies
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RateLimiter limiter = limiterOn(silent.getLocalPort());

            assertLimitedLocally(limiter);

            assertThat(count(RateLimiter.FALLBACK_METRIC)).isEqualTo(READS_PER_SUBJECT + 2);
            // before the silent port goes away, so no half-open connection is reset under the client
            closeClient();
        }
    }

    @Test
    void anOutageIsLoggedOnceAndSharedLimitsResumeWhenRedisIsBack() throws IOException {
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        server.start();
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler handler = capture(logged);
        Logger logger = Logger.getLogger(RateLimiter.class.getName());
        logger.addHandler(handler);
        try {
            RateLimiter limiter = limiterOn(port);
            assertThat(acquire(limiter, "school-" + UUID.randomUUID(), "ana").local()).as("Redis is up").isFalse();

            server.stop();
            assertLimitedLocally(limiter);
            assertLimitedLocally(limiter);

            server.start();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !acquire(limiter, "school-" + UUID.randomUUID(), "ana").local());
        } finally {
            logger.removeHandler(handler);
            server.stop();
        }
        assertThat(logged).extracting(LogRecord::getLevel).as("one warning for the outage, one note for the recovery")
                .containsExactly(Level.WARNING, Level.INFO);
    }

    private static Handler capture(List<LogRecord> records) {
        return new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
