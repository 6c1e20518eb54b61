package io.zhiyue.streams.lease;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.UUID;

/**
 * A renewed, fenced lease on a singleton role (one recovery sweeper per service, say). The holder
 * renews it every third of its time to live; it counts as leader only until the lease could have
 * expired by its own clock, measured from before the request that took or renewed it, so two
 * processes never both believe they lead. Every acquisition takes a new, larger fencing token:
 * work stamped with an older token can be refused by whatever it writes to.
 */
public final class LeaderLease {

    private static final Logger LOG = Logger.getLogger(LeaderLease.class);

    /** Extends the lease if this owner still holds it. KEYS: lease. ARGV: owner, ttl ms. */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0""";

    /**
     * Takes a free lease and a new fencing token in one step; a lease this owner still holds (a
     * renewal whose reply was lost) is taken back with its token. KEYS: lease, token. ARGV: owner, ttl ms.
     */
    private static final String ACQUIRE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return tonumber(redis.call('GET', KEYS[2]) or '0')
            end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return redis.call('INCR', KEYS[2])
            end
            return 0""";

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final String name;
    private final String key;
    private final Duration ttl;
    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final String owner = UUID.randomUUID().toString();
    private volatile long validUntilNanos;
    private volatile long token;
    private volatile boolean stopped;
    private long timer = -1;

    LeaderLease(String name, Duration ttl, ReactiveRedisDataSource redis, Vertx vertx) {
        this.name = name;
        this.key = "zhiyue:lease:" + name;
        this.ttl = ttl;
        this.redis = redis;
        this.vertx = vertx;
        // not leader until a lease is taken (nanoTime's origin is arbitrary, so no 0 here)
        this.validUntilNanos = System.nanoTime();
    }

    /** Whether this process holds the lease now, with a safety margin for clock drift. */
    public boolean isLeader() {
        return System.nanoTime() - validUntilNanos < 0;
    }

    /** The token of the current tenure; larger than every earlier holder's. Meaningful while leader. */
    public long fencingToken() {
        return token;
    }

    public String name() {
        return name;
    }

    void start() {
        tick().subscribe().with(ignored -> { });
        timer = vertx.setPeriodic(Math.max(100, ttl.toMillis() / 3), id -> tick().subscribe().with(ignored -> { }));
    }

    void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        boolean held = isLeader();
        validUntilNanos = System.nanoTime();
        if (held) {
            redis.execute("EVAL", RELEASE, "1", key, owner).await().atMost(Duration.ofSeconds(2));
        }
    }

    /** Takes or renews the lease; package-private so a test can drive it without timers. */
    Uni<Boolean> tick() {
        return Uni.createFrom().deferred(this::attempt);
    }

    private Uni<Boolean> attempt() {
        if (stopped) {
            // given up at shutdown: never taken again without the timer that renews it
            return Uni.createFrom().item(false);
        }
        long sentAt = System.nanoTime();
        // a tenth of the lease is the margin for the two clocks running at different speeds
        long validFor = ttl.toNanos() - ttl.toNanos() / 10;
        Uni<Boolean> attempt = isLeader()
                ? redis.execute("EVAL", RENEW, "1", key, owner, Long.toString(ttl.toMillis()))
                        .map(reply -> reply != null && reply.toLong() == 1)
                : redis.execute("EVAL", ACQUIRE, "2", key, key + ":token", owner, Long.toString(ttl.toMillis()))
                        .map(reply -> {
                            long taken = reply == null ? 0 : reply.toLong();
                            if (taken > 0) {
                                token = taken;
                                LOG.infof("leading %s (fencing token %d)", name, taken);
                            }
                            return taken > 0;
                        });
        return attempt.invoke(held -> {
            if (held) {
                validUntilNanos = sentAt + validFor;
            } else if (isLeader()) {
                validUntilNanos = System.nanoTime();
                LOG.warnf("lost the lease on %s", name);
            }
        }).onFailure().recoverWithItem(false);
    }
}
