package io.zhiyue.cache.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.jobs.JobStateRepository.JobState;
import io.zhiyue.cache.layered.CacheStatus;
import io.zhiyue.cache.layered.Layer;
import io.zhiyue.cache.layered.LayeredCache;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live state of every grading job, from {@code zhiyue:events}: PostgreSQL ({@code job_states})
 * holds it — the last snapshot and the last counters, each with its version — and Redis a copy of
 * the merged job for fast reads ({@code zhiyue:cache:job:<tenant>:<job>}: a hash of version, rank
 * and JSON). The rank (snapshot version + counters version) grows with every change of either
 * part, and a copy is only ever replaced by one of a higher or equal rank (a Lua script, and the
 * same rule in process), so late, repeated or concurrently handled events cannot set a job back.
 * After Redis was unusable, the rows changed meanwhile are copied to it again.
 *
 * <p>Every event writes the row's current state to Redis, applied or not: an event handled again
 * because a Redis write failed repairs the copy. Reads go to an in-process copy kept at most
 * {@code zhiyue.jobs.local-ttl} (100 ms; dashboards poll one job thousands of times a minute): the
 * instance that applies an event updates its own copy at once, another one is at most that much
 * behind. Then Redis, then
 * PostgreSQL when Redis misses or the cache is degraded (refilling Redis). A read that names a
 * version never takes an older in-process copy; it waits up to {@code zhiyue.jobs.wait} for the version, then
 * answers without the job (the caller asks grading-service).
 */
@ApplicationScoped
public class JobReadModel {

    private static final Duration POLL = Duration.ofMillis(25);
    private static final Duration TTL = Duration.ofDays(1);
    /** Clock and commit slack when looking for the rows changed while Redis was unusable. */
    private static final Duration RECOPY_MARGIN = Duration.ofSeconds(5);
    private static final String PREFIX = "zhiyue:cache:job:";
    /** Sets the copy unless Redis holds one of a higher rank (the same rank is the same state). */
    private static final String PUT_IF_NOT_OLDER = """
            local current = redis.call('HGET', KEYS[1], 'r')
            if current and tonumber(current) > tonumber(ARGV[2]) then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'r', ARGV[2], 'j', ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return 1""";
    /**
     * Drops the copies (KEYS) for good: what is left is a rank no copy reaches, without a job, for ARGV[2] ms, so a
     * copy or refill begun before the deletion committed cannot put the job back (a read finds no job and goes on).
     */
    private static final String DROP = """
            for i = 1, #KEYS do
              redis.call('DEL', KEYS[i])
              redis.call('HSET', KEYS[i], 'r', ARGV[1])
              redis.call('PEXPIRE', KEYS[i], ARGV[2])
            end
            return #KEYS""";
    /** Rows copied to Redis again after it came back, at most. */
    private static final int RECOPY_LIMIT = 10_000;

    private final JobStateRepository rows;
    private final ReactiveRedisDataSource redis;
    private final LayeredCache cache;
    private final Cache<String, JobState> local;
    private final AtomicReference<Instant> degradedSince = new AtomicReference<>();
    /** How long a read waits for the version it asked for. */
    private final Duration wait;
    /** How long a dropped job's Redis copy is kept out (the cache's tombstone lifetime). */
    private final Duration tombstoneTtl;
    private final Counter fromLocal;
    private final Counter fromRedis;
    private final Counter fromPostgres;
    private final Counter notThere;
    private final Counter applied;

    public JobReadModel(JobStateRepository rows, ReactiveRedisDataSource redis, LayeredCache cache,
            CacheConfig config, MeterRegistry registry, @ConfigProperty(name = "zhiyue.jobs.local-ttl", defaultValue = "PT0.1S")
            Duration localTtl, @ConfigProperty(name = "zhiyue.jobs.wait", defaultValue = "PT0.3S") Duration wait) {
        this.wait = wait;
        this.tombstoneTtl = config.redis().tombstoneTtl();
        this.local = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(localTtl).build();
        this.rows = rows;
        this.redis = redis;
        this.cache = cache;
        this.fromLocal = reads(registry, "local");
        this.fromRedis = reads(registry, "redis");
        this.fromPostgres = reads(registry, "postgres");
        this.notThere = reads(registry, "none");
        this.applied = Counter.builder("zhiyue.cache.jobs.events").description("job events applied to the read model")
                .register(registry);
    }

    private static Counter reads(MeterRegistry registry, String source) {
        return Counter.builder("zhiyue.cache.jobs.reads").tag("source", source).register(registry);
    }

    /** Applies a JOB_STATE_CHANGED or GRADING_PROGRESS; other events, and ones without a version, change nothing. */
    public Uni<Void> apply(Envelope envelope) {
        String tenant = envelope.tenantId();
        if (envelope.type() == EventType.JOB_STATE_CHANGED) {
            JobStateChanged changed = envelope.payloadAs(JobStateChanged.class);
            if (changed.version() == null || changed.job() == null) {
                return Uni.createFrom().voidItem();
            }
            return copy(tenant, changed.jobId(), rows.putSnapshot(tenant, changed.jobId(),
                    JsonCodec.write(changed.job()), changed.version()));
        }
        if (envelope.type() == EventType.GRADING_PROGRESS) {
            GradingProgress progress = envelope.payloadAs(GradingProgress.class);
            if (progress.version() < 1) {
                return Uni.createFrom().voidItem();
            }
            ObjectNode counters = JsonCodec.mapper().createObjectNode();
            counters.put("state", progress.state()).put("total", progress.total()).put("graded", progress.graded())
                    .put("failed", progress.failed()).put("cancelled", progress.cancelled())
                    .put("pendingReview", progress.pendingReview()).put("percent", progress.percent())
                    .put("version", progress.version());
            return copy(tenant, progress.jobId(), rows.putCounters(tenant, progress.jobId(),
                    JsonCodec.write(counters), progress.version()));
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * Drops the jobs from the read model (a deletion request named them): their rows on {@code tx}, their Redis
     * copies (kept out for {@code tombstone-ttl}, see {@link #DROP}) and this instance's in-process copies (another
     * instance's expire within {@code zhiyue.jobs.local-ttl}). A read then answers 404 and the gateway asks
     * grading-service. Answers how many rows went.
     */
    public Uni<Integer> drop(SqlConnection tx, String tenant, List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<String> args = new ArrayList<>();
        args.add(DROP);
        args.add(Integer.toString(jobIds.size()));
        jobIds.forEach(jobId -> args.add(key(tenant, jobId)));
        args.add(Long.toString(Long.MAX_VALUE));
        args.add(Long.toString(tombstoneTtl.toMillis()));
        return rows.delete(tx, tenant, jobIds)
                .call(() -> redis.execute("EVAL", args.toArray(new String[0])))
                .invoke(() -> jobIds.forEach(jobId -> local.invalidate(key(tenant, jobId))));
    }

    /** A job as a read found it, and the layer it came from. */
    public record Found(JobState state, Layer source) {
    }

    /**
     * The job as the read model has it (null: it has not seen the job); with {@code minVersion},
     * null too unless it reaches that version within {@code zhiyue.jobs.wait} (300 ms).
     */
    public Uni<Found> read(String tenant, UUID jobId, Long minVersion) {
        long deadline = System.nanoTime() + wait.toNanos();
        return readUntil(tenant, jobId, minVersion == null ? 0 : minVersion, deadline).invoke(found -> {
            if (found == null) {
                notThere.increment();
            }
        });
    }

    private Uni<Found> readUntil(String tenant, UUID jobId, long minVersion, long deadline) {
        return readOnce(tenant, jobId, minVersion).chain(found -> {
            if (found != null && found.state().version() >= minVersion) {
                return Uni.createFrom().item(found);
            }
            if (minVersion == 0 || System.nanoTime() + POLL.toNanos() > deadline) {
                return Uni.createFrom().nullItem();
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                    .chain(() -> readUntil(tenant, jobId, minVersion, deadline));
        });
    }

    private Uni<Found> readOnce(String tenant, UUID jobId, long minVersion) {
        String key = key(tenant, jobId);
        JobState held = local.getIfPresent(key);
        if (held != null && held.version() >= minVersion) {
            fromLocal.increment();
            return Uni.createFrom().item(new Found(held, Layer.LOCAL));
        }
        if (cache.degraded()) {
            return fromPostgres(tenant, jobId, false);
        }
        return redis.execute("HMGET", key, "v", "r", "j")
                .map(JobReadModel::state)
                .onFailure().recoverWithItem(failure -> {
                    Log.debugf("the job read model reads %s from PostgreSQL: Redis failed (%s)", jobId, failure);
                    return null;
                })
                .chain(found -> {
                    if (found != null) {
                        fromRedis.increment();
                        return Uni.createFrom().item(new Found(found, Layer.REDIS));
                    }
                    return fromPostgres(tenant, jobId, true);
                })
                .invoke(found -> {
                    if (found != null) {
                        keep(key, found.state());
                    }
                });
    }

    /** Forgets the in-process copies (tests: to read what is below them). */
    void forgetLocal() {
        local.invalidateAll();
    }

    /** Keeps {@code state} in process unless one of a higher rank is held already. */
    private void keep(String key, JobState state) {
        if (state != null && state.served()) {
            local.asMap().merge(key, state, (held, now) -> now.rank() >= held.rank() ? now : held);
        }
    }

    /** Redis went unusable, or came back: then the rows changed meanwhile are copied to it again. */
    void onStatus(@Observes CacheStatus status) {
        if (status.degraded()) {
            degradedSince.compareAndSet(null, status.at());
            return;
        }
        Instant since = degradedSince.getAndSet(null);
        if (since != null) {
            recopy(since.minus(RECOPY_MARGIN)).subscribe().with(
                    copied -> Log.infof("the job read model copied %d jobs changed while Redis was unusable", copied),
                    failure -> Log.warnf("the job read model could not copy the jobs changed while Redis was unusable: %s",
                            failure.toString()));
        }
    }

    /** Copies the servable jobs changed since {@code since} to Redis; answers how many. */
    Uni<Integer> recopy(Instant since) {
        return rows.changedSince(since.atOffset(ZoneOffset.UTC), RECOPY_LIMIT).chain(changed -> Multi.createFrom()
                .iterable(changed)
                .onItem().transformToUniAndConcatenate(row -> put(row.tenant(), row.jobId(), row.state()))
                .collect().asList().map(List::size));
    }

    private Uni<Found> fromPostgres(String tenant, UUID jobId, boolean refill) {
        return rows.find(tenant, jobId).map(found -> found == null || !found.served() ? null : found).call(found -> {
            if (found == null) {
                return Uni.createFrom().voidItem();
            }
            fromPostgres.increment();
            // refilling is a favour to the next read; its failure is not this read's
            return refill ? put(tenant, jobId, found).onFailure().recoverWithNull() : Uni.createFrom().voidItem();
        }).map(found -> found == null ? null : new Found(found, Layer.POSTGRES));
    }

    /** Writes the row's state after {@code change} (the current row when the change was not newer) to Redis. */
    private Uni<Void> copy(String tenant, UUID jobId, Uni<JobState> change) {
        return change.chain(changed -> {
            if (changed != null) {
                applied.increment();
                return Uni.createFrom().item(changed);
            }
            return rows.find(tenant, jobId);
        }).invoke(current -> keep(key(tenant, jobId), current))
                // a failed copy fails the event: it is handled again (and after an outage the rows are copied anyway)
                .chain(current -> current == null || !current.served() ? Uni.createFrom().voidItem()
                        : put(tenant, jobId, current));
    }

    private Uni<Void> put(String tenant, UUID jobId, JobState state) {
        return redis.execute("EVAL", PUT_IF_NOT_OLDER, "1", key(tenant, jobId), Long.toString(state.version()),
                Long.toString(state.rank()), state.job(), Long.toString(TTL.toMillis())).replaceWithVoid();
    }

    private static JobState state(Response reply) {
        if (reply == null || reply.size() < 3 || reply.get(0) == null || reply.get(1) == null || reply.get(2) == null) {
            return null;
        }
        return new JobState(reply.get(2).toString(), reply.get(0).toLong(), reply.get(1).toLong());
    }

    static String key(String tenant, UUID jobId) {
        return PREFIX + tenant + ":" + jobId;
    }
}
