package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.repository.JobRepository.StalledJob;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.lease.LeaderLease;
import io.zhiyue.streams.lease.LeaderLeases;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Nothing lost on a crash: a job whose process died between its stages (tasks written but not
 * published, say) or whose entries vanished is picked up again. Only the holder of the
 * {@code grading-recovery} lease sweeps, one sweep at a time; everything it repeats is idempotent.
 *
 * <p>A job recovery cannot get moving shows in {@code zhiyue.grading.jobs.stalled} and
 * {@code zhiyue.grading.jobs.stalled.longest} (seconds without progress; see {@link StallWatch}), on the leader;
 * the other processes report zero.
 */
@ApplicationScoped
public class JobRecovery {

    /** Where a job can stall: between its stages, or with batches whose entries were lost. */
    private static final Set<JobState> RESUMABLE = JobState.matching(JobState::gradesBatches);

    private final JobRepository jobs;
    private final GradingJobService service;
    private final GradingConfig config;
    private final LeaderLeases leases;
    private final Vertx vertx;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final StallWatch stalls;
    private LeaderLease lease;
    private long timer = -1;

    public JobRecovery(JobRepository jobs, GradingJobService service, GradingConfig config, LeaderLeases leases,
            Vertx vertx, MeterRegistry registry) {
        this.jobs = jobs;
        this.service = service;
        this.config = config;
        this.leases = leases;
        this.vertx = vertx;
        // a stuck job is touched by each recovery, so it is found again one timeout and up to two sweeps later
        this.stalls = new StallWatch(config.stallTimeout(),
                config.stallTimeout().plus(config.recoveryInterval().multipliedBy(3)));
        Gauge.builder("zhiyue.grading.jobs.stalled", stalls, StallWatch::stalled)
                .description("running jobs the recovery sweeps keep finding without progress").register(registry);
        Gauge.builder("zhiyue.grading.jobs.stalled.longest", stalls, watch -> watch.longest().toMillis() / 1000.0)
                .baseUnit("seconds").description("the longest a running job has gone without progress")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        lease = leases.compete("grading-recovery", config.recoveryInterval().multipliedBy(3));
        timer = vertx.setPeriodic(config.recoveryInterval().toMillis(), id -> sweep()
                .subscribe().with(done -> { }, e -> Log.warnf("recovery sweep failed: %s", e.getMessage())));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    boolean leading() {
        return lease != null && lease.isLeader();
    }

    /** One sweep if this process leads and no sweep of its own is still running. */
    Uni<Void> sweep() {
        if (lease == null || !lease.isLeader()) {
            stalls.forget();
            return Uni.createFrom().voidItem();
        }
        if (!sweeping.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return recoverStalled().eventually(() -> sweeping.set(false));
    }

    private Uni<Void> recoverStalled() {
        return jobs.stalled(config.stallTimeout(), RESUMABLE)
                .invoke(found -> stalls.found(found, Instant.now()))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                // the lease is checked before each job: a sweeper that lost it stops
                .select().where(stalled -> lease.isLeader())
                .onItem().transformToUniAndConcatenate(this::recover)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> recover(StalledJob stalled) {
        Log.infof("recovering job %s stalled in %s", stalled.id(), stalled.state());
        Uni<Void> work = stalled.state() == JobState.EXECUTING
                ? service.republishLost(stalled.tenantId(), stalled.id())
                : jobs.find(stalled.tenantId(), stalled.id()).chain(job -> job == null ? Uni.createFrom().voidItem()
                        : service.split(job).replaceWithVoid());
        return work.onFailure().invoke(e -> Log.warnf("recovering job %s failed: %s", stalled.id(), e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
