package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.CacheClient;
import io.zhiyue.gateway.client.Caller;
import io.zhiyue.gateway.client.DownstreamResponse;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.stream.JobVersions;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The current job as cache-service's read model (else grading-service) reports it, so a
 * progress bar can start before the next event. A subscription storm on one job costs a handful
 * of downstream calls, not one per socket: subscribers share a fetch that started after they registered (an older one could miss a state
 * change that happened before their registration), at most one fetch per job is in flight with
 * one more round gathering behind it, and at most {@code snapshot-concurrency} fetches run at once
 * over all jobs. Best effort: a subscriber that gets no snapshot in time is confirmed with null.
 * Snapshots are read as the subscriber's tenant, so another school's job is {@link #NOT_FOUND}.
 */
@ApplicationScoped
public class JobSnapshots {

    /** The snapshot of a job the subscriber's tenant does not have (never reveal that it exists). */
    public static final JsonNode NOT_FOUND = MissingNode.getInstance();

    private final GradingClient grading;
    private final CacheClient cache;
    private final JobVersions versions;
    private final GatewayConfig config;
    private final ChannelHub hub;
    private final Map<JobKey, JobRounds> byJob = new ConcurrentHashMap<>();
    private final Queue<Round> waitingForPermit = new ConcurrentLinkedQueue<>();
    private final AtomicInteger permits;
    private final Counter fetches;
    private final Counter missed;

    JobSnapshots(GradingClient grading, CacheClient cache, JobVersions versions, GatewayConfig config, ChannelHub hub,
            MeterRegistry registry) {
        this.grading = grading;
        this.cache = cache;
        this.versions = versions;
        this.config = config;
        this.hub = hub;
        this.permits = new AtomicInteger(config.snapshotConcurrency());
        this.fetches = Counter.builder("zhiyue.gateway.live.snapshot.fetches").register(registry);
        this.missed = Counter.builder("zhiyue.gateway.live.snapshot.missed")
                .description("subscriptions confirmed without a snapshot").register(registry);
    }

    /**
     * The snapshot for a subscription registered as number {@code registration}; null when the
     * channel has none or it did not come within the snapshot timeout. Never blocks a thread.
     */
    public Uni<JsonNode> snapshotOf(String tenant, String channel, long registration) {
        return Channels.jobId(channel)
                // a copy per subscriber: one subscriber's timeout must not cancel the fetch the others share
                .map(jobId -> Uni.createFrom().completionStage(() -> roundFor(new JobKey(tenant, jobId), registration).copy())
                        .ifNoItem().after(config.snapshotTimeout()).recoverWithItem((JsonNode) null)
                        .onFailure().recoverWithNull()
                        .invoke(snapshot -> {
                            if (snapshot == null) {
                                missed.increment();
                            }
                        }))
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    private CompletableFuture<JsonNode> roundFor(JobKey job, long registration) {
        JobRounds rounds = byJob.computeIfAbsent(job, JobRounds::new);
        Round start = null;
        CompletableFuture<JsonNode> result;
        synchronized (rounds) {
            if (rounds.inFlight != null && rounds.inFlight.startedAfter >= registration) {
                return rounds.inFlight.result;
            }
            if (rounds.inFlight == null) {
                rounds.inFlight = new Round(rounds, hub.registrations());
                start = rounds.inFlight;
                result = start.result;
            } else {
                if (rounds.next == null) {
                    rounds.next = new Round(rounds, -1);
                }
                result = rounds.next.result;
            }
        }
        if (start != null) {
            begin(start);
        }
        return result;
    }

    private void begin(Round round) {
        if (permits.getAndDecrement() > 0) {
            fetch(round);
        } else {
            permits.incrementAndGet();
            waitingForPermit.add(round);
            // a fetch may have finished in between and found the queue empty
            startWaitingIfPermitted();
        }
    }

    private void fetch(Round round) {
        fetches.increment();
        JobKey job = round.rounds.job;
        Caller caller = new Caller(job.tenant(), "live-channel", "", UUID.randomUUID().toString());
        String jobId = job.jobId().toString();
        // cache-service's read model first, at least as new as the events this replica has seen of the
        // job; grading-service when the read model has not seen it, is behind or cannot answer
        cache.job(caller, jobId, versions.newest(job.jobId())).onFailure().recoverWithNull()
                .chain(answer -> answer != null && answer.status() == 200 ? Uni.createFrom().item(answer)
                        : grading.jobSnapshot(caller, jobId))
                .subscribe().with(response -> finish(round, parse(response)), failure -> {
                    Log.debugf("no snapshot of job %s: %s", job.jobId(), failure.toString());
                    finish(round, null);
                });
    }

    private void finish(Round round, JsonNode snapshot) {
        permits.incrementAndGet();
        Round next = null;
        JobRounds rounds = round.rounds;
        synchronized (rounds) {
            rounds.inFlight = null;
            if (rounds.next != null) {
                next = rounds.next;
                rounds.next = null;
                next.startedAfter = hub.registrations();
                rounds.inFlight = next;
            } else {
                byJob.remove(rounds.job, rounds);
            }
        }
        round.result.complete(snapshot);
        if (next != null) {
            // behind the rounds of other jobs already waiting, so one busy job cannot starve them
            waitingForPermit.add(next);
        }
        startWaitingIfPermitted();
    }

    private void startWaitingIfPermitted() {
        while (!waitingForPermit.isEmpty()) {
            if (permits.getAndDecrement() <= 0) {
                permits.incrementAndGet();
                return;
            }
            Round waiting = waitingForPermit.poll();
            if (waiting == null) {
                permits.incrementAndGet();
                return;
            }
            fetch(waiting);
        }
    }


    private static JsonNode parse(DownstreamResponse response) {
        if (response.status() == 404) {
            return NOT_FOUND;
        }
        if (!response.isSuccessful() || response.body().length == 0) {
            return null;
        }
        try {
            return JsonCodec.mapper().readTree(response.body());
        } catch (IOException e) {
            return null;
        }
    }

    /** The snapshot rounds of one job: the one in flight and the one gathering behind it. */
    private record JobKey(String tenant, UUID jobId) {
    }

    private static final class JobRounds {
        final JobKey job;
        Round inFlight;
        Round next;

        JobRounds(JobKey job) {
            this.job = job;
        }
    }

    /** One downstream fetch and everyone waiting for it; it reflects registrations up to {@code startedAfter}. */
    private static final class Round {
        final JobRounds rounds;
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        volatile long startedAfter;

        Round(JobRounds rounds, long startedAfter) {
            this.rounds = rounds;
            this.startedAfter = startedAfter;
        }
    }
}
