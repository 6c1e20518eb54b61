package io.zhiyue.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.security.RouteClass;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits per route class: a request passes only when both its subject's and its tenant's
 * policy allow it, counted in Redis for all gateway replicas at once. When Redis fails or does
 * not answer within {@code zhiyue.rate-limit.redis-timeout}, this replica applies the same
 * policies on its own until Redis answers again (tried once per {@code redis-retry-interval}),
 * so an outage neither lets everything through nor turns everything away.
 */
@ApplicationScoped
public class RateLimiter {

    static final String DECISIONS_METRIC = "zhiyue.rate.limit.decisions";
    static final String FALLBACK_METRIC = "zhiyue.rate.limit.fallback";
    private static final String ANONYMOUS = "anonymous";
    private static final String UNKNOWN_TENANT = "unknown";

    private final RateLimitConfig config;
    private final Map<RouteClass, RoutePolicies> policies = new EnumMap<>(RouteClass.class);
    private final RedisRateLimiter shared;
    private final LocalRateLimiter local;
    private final Counter fallbacks;
    private final Map<RouteClass, Counter> allowedCount = new EnumMap<>(RouteClass.class);
    private final Map<RouteClass, Counter> deniedCount = new EnumMap<>(RouteClass.class);
    /** Its own Redis connections, so a burst of limited requests never starves the live channel's tail. */
    static final String CLIENT = "rate-limit";

    private final AtomicBoolean redisDown = new AtomicBoolean();
    private final AtomicLong nextRedisTryNanos = new AtomicLong();

    RateLimiter(RateLimitConfig config, @RedisClientName(CLIENT) ReactiveRedisDataSource redis, MeterRegistry registry) {
        this.config = config;
        for (RouteClass routeClass : RouteClass.values()) {
            policies.put(routeClass, RoutePolicies.of(config.of(routeClass)));
            allowedCount.put(routeClass, decisions(registry, routeClass, "allowed"));
            deniedCount.put(routeClass, decisions(registry, routeClass, "denied"));
        }
        this.shared = new RedisRateLimiter(redis);
        double longestTolerance = policies.values().stream().mapToDouble(RoutePolicies::toleranceMillis).max().orElse(0);
        this.local = new LocalRateLimiter(config.localMaxKeys(), Duration.ofMillis((long) Math.ceil(longestTolerance)),
                System::nanoTime);
        this.fallbacks = Counter.builder(FALLBACK_METRIC)
                .description("Rate-limit decisions taken by one replica alone because Redis did not answer")
                .register(registry);
    }

    /**
     * Decides one request and, when allowed, counts it against both policies of its route class.
     * Never fails: without Redis the decision is local.
     *
     * @param tenant the caller's tenant; {@code null} counts as {@code unknown}
     * @param subject the caller (user or API key) within the tenant; {@code null} counts as {@code anonymous}
     */
    public Uni<RateDecision> acquire(RouteClass routeClass, String tenant, String subject) {
        if (!config.enabled()) {
            return Uni.createFrom().item(RateDecision.unlimited(routeClass));
        }
        RoutePolicies route = policies.get(routeClass);
        String school = tenant == null || tenant.isBlank() ? UNKNOWN_TENANT : tenant;
        String who = subject == null || subject.isBlank() ? ANONYMOUS : subject;
        String subjectKey = RedisRateLimiter.subjectKey(routeClass, school, who);
        String tenantKey = RedisRateLimiter.tenantKey(routeClass, school);
        if (!worthAskingRedis()) {
            return Uni.createFrom().item(() -> decideLocally(routeClass, route, subjectKey, tenantKey));
        }
        return shared.acquire(subjectKey, route.subject(), tenantKey, route.tenant())
                .ifNoItem().after(config.redisTimeout()).fail()
                .invoke(this::redisAnswered)
                .map(outcome -> decision(routeClass, route, outcome, false))
                .onFailure().recoverWithItem(failure -> {
                    redisFailed(failure);
                    return decideLocally(routeClass, route, subjectKey, tenantKey);
                });
    }

    private RateDecision decideLocally(RouteClass routeClass, RoutePolicies route, String subjectKey, String tenantKey) {
        fallbacks.increment();
        return decision(routeClass, route, local.acquire(subjectKey, route.subject(), tenantKey, route.tenant()), true);
    }

    private RateDecision decision(RouteClass routeClass, RoutePolicies route, Outcome outcome, boolean local) {
        (outcome.allowed() ? allowedCount : deniedCount).get(routeClass).increment();
        List<RateDecision.PolicyStatus> statuses = List.of(status(route.subject(), outcome.subject()),
                status(route.tenant(), outcome.tenant()));
        int retryAfter = outcome.allowed() ? 0
                : retryAfterSeconds(Math.max(outcome.subject().waitMillis(), outcome.tenant().waitMillis()));
        return new RateDecision(routeClass, outcome.allowed(), statuses, retryAfter, local);
    }

    private static RateDecision.PolicyStatus status(RatePolicy policy, Outcome.Usage usage) {
        return new RateDecision.PolicyStatus(policy.name(), policy.limit(), policy.windowSeconds(), usage.remaining(),
                ceilSeconds(usage.resetMillis()));
    }

    /** Whole seconds, at least one, plus jitter so that denied clients spread their retries. */
    private int retryAfterSeconds(long waitMillis) {
        long seconds = Math.max(1, ceilSeconds(waitMillis));
        int jitter = Math.max(0, config.retryAfterJitterSeconds());
        return (int) Math.min(Integer.MAX_VALUE, seconds + ThreadLocalRandom.current().nextInt(jitter + 1));
    }

    private static long ceilSeconds(long millis) {
        return Math.max(0, (millis + 999) / 1000);
    }

    /** While Redis is down, one request per retry interval tries it; the rest go straight to local limits. */
    private boolean worthAskingRedis() {
        if (!redisDown.get()) {
            return true;
        }
        long now = System.nanoTime();
        long next = nextRedisTryNanos.get();
        return now - next >= 0 && nextRedisTryNanos.compareAndSet(next, now + config.redisRetryInterval().toNanos());
    }

    private void redisFailed(Throwable failure) {
        nextRedisTryNanos.set(System.nanoTime() + config.redisRetryInterval().toNanos());
        if (redisDown.compareAndSet(false, true)) {
            Log.warnf("rate limits: Redis did not answer (%s); each replica limits on its own until it does",
                    failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
        }
    }

    private void redisAnswered() {
        if (redisDown.compareAndSet(true, false)) {
            Log.info("rate limits: Redis answers again; limits are shared by all replicas");
        }
    }

    private static Counter decisions(MeterRegistry registry, RouteClass routeClass, String outcome) {
        return Counter.builder(DECISIONS_METRIC)
                .description("Rate-limit decisions by route class and outcome")
                .tag("route_class", routeClass.key())
                .tag("outcome", outcome)
                .register(registry);
    }
}
