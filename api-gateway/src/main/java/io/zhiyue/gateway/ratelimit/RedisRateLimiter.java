package io.zhiyue.gateway.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.zhiyue.gateway.security.RouteClass;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The limiter every gateway replica shares: one Lua script checks and consumes both policies of a
 * request atomically on Redis (6.2 commands only), timed by the Redis clock so replicas with
 * drifting clocks still agree. EVALSHA first; EVAL once when Redis does not know the script yet
 * (a restart or a failover empties its script cache).
 */
final class RedisRateLimiter {

    /**
     * GCRA: a key holds the theoretical arrival time (TAT, ms on the Redis clock) of the next
     * request. A request is allowed when both policies allow it, and only then are both TATs
     * advanced (a denied request consumes nothing); a key lives until its TAT, after which it would
     * read as new anyway. KEYS: subject key, tenant key. ARGV: subject interval ms, subject
     * tolerance ms, tenant interval ms, tenant tolerance ms. Answers {allowed, then for subject and
     * tenant: remaining, ms to full reset, ms until it would allow}.
     */
    static final String SCRIPT = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
            local slack = 0.0005
            local tat, interval, tolerance, wait = {}, {}, {}, {}
            local allowed = 1
            for i = 1, 2 do
              interval[i] = tonumber(ARGV[2 * i - 1])
              tolerance[i] = tonumber(ARGV[2 * i])
              tat[i] = math.max(tonumber(redis.call('GET', KEYS[i]) or 0), now)
              wait[i] = tat[i] + interval[i] - tolerance[i] - now
              if wait[i] > slack then allowed = 0 end
            end
            local reply = {allowed}
            for i = 1, 2 do
              if allowed == 1 then
                tat[i] = tat[i] + interval[i]
                redis.call('SET', KEYS[i], string.format('%.4f', tat[i]), 'PX', math.max(1, math.ceil(tat[i] - now)))
              end
              reply[#reply + 1] = math.max(0, math.floor((tolerance[i] - (tat[i] - now)) / interval[i] + 0.000001))
              reply[#reply + 1] = math.ceil(tat[i] - now)
              if wait[i] > slack then reply[#reply + 1] = math.ceil(wait[i]) else reply[#reply + 1] = 0 end
            end
            return reply""";

    static final String SCRIPT_SHA = sha1(SCRIPT);

    private static final String KEY_PREFIX = "zhiyue:ratelimit:";

    private final ReactiveRedisDataSource redis;

    RedisRateLimiter(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    Uni<Outcome> acquire(String subjectKey, RatePolicy subject, String tenantKey, RatePolicy tenant) {
        String[] keysAndArgs = {"2", subjectKey, tenantKey, millis(subject.intervalMillis()),
                millis(subject.toleranceMillis()), millis(tenant.intervalMillis()), millis(tenant.toleranceMillis())};
        return redis.execute("EVALSHA", prepend(SCRIPT_SHA, keysAndArgs))
                .onFailure(RedisRateLimiter::unknownScript)
                .recoverWithUni(() -> redis.execute("EVAL", prepend(SCRIPT, keysAndArgs)))
                .map(RedisRateLimiter::outcome);
    }

    /**
     * The tenant's key. Both keys of a request carry the tenant as hash tag, so they live in one
     * slot should Redis ever run as a cluster; names are URL-encoded so none can break the tag.
     */
    static String tenantKey(RouteClass routeClass, String tenant) {
        return KEY_PREFIX + "{" + encode(tenant) + "}:" + routeClass.key() + ":tenant";
    }

    static String subjectKey(RouteClass routeClass, String tenant, String subject) {
        return KEY_PREFIX + "{" + encode(tenant) + "}:" + routeClass.key() + ":subject:" + encode(subject);
    }

    private static Outcome outcome(Response reply) {
        return new Outcome(reply.get(0).toInteger() == 1, usage(reply, 1), usage(reply, 4));
    }

    private static Outcome.Usage usage(Response reply, int from) {
        return new Outcome.Usage(reply.get(from).toLong(), reply.get(from + 1).toLong(), reply.get(from + 2).toLong());
    }

    private static boolean unknownScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** A decimal Lua's {@code tonumber} reads (the shortest that gives the double back; no String.format per call). */
    private static String millis(double value) {
        return Double.toString(value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
