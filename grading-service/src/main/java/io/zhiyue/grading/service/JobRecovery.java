package io.zhiyue.grading.service;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.repository.JobRepository.StalledJob;
import io.zhiyue.shared.job.JobState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.UUID;

/**
 * Nothing lost on a crash: a job whose process died between its stages (tasks written but not
 * published, say) or whose entries vanished is picked up again. One process at a time does the
 * sweep, under a Redis lock; everything it repeats is idempotent.
 */
@ApplicationScoped
public class JobRecovery {

    private static final String LOCK = "zhiyue:grading:recovery-lock";

    private final JobRepository jobs;
    private final GradingJobService service;
    private final GradingConfig config;
    private final ReactiveValueCommands<String, String> values;
    private final Vertx vertx;
    private final String owner = UUID.randomUUID().toString();
    private long timer = -1;

    public JobRecovery(JobRepository jobs, GradingJobService service, GradingConfig config,
            ReactiveRedisDataSource redis, Vertx vertx) {
        this.jobs = jobs;
        this.service = service;
        this.config = config;
        this.values = redis.value(String.class);
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.recoveryInterval().toMillis(), id -> sweep()
                .subscribe().with(done -> { }, e -> Log.warnf("recovery sweep failed: %s", e.getMessage())));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    Uni<Void> sweep() {
        SetArgs lease = new SetArgs().nx().px(config.recoveryInterval().toMillis() * 2);
        // SET NX then GET: Redis 6.2 cannot combine NX with GET in one SET
        return values.set(LOCK, owner, lease)
                .chain(() -> values.get(LOCK))
                .chain(holder -> owner.equals(holder) ? recoverStalled() : Uni.createFrom().voidItem());
    }

    private Uni<Void> recoverStalled() {
        return jobs.stalled(config.stallTimeout())
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUniAndConcatenate(this::recover)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> recover(StalledJob stalled) {
        Log.infof("recovering job %s stalled in %s", stalled.id(), stalled.state());
        Uni<Void> work = stalled.state() == JobState.EXECUTING
                ? service.republishPending(stalled.tenantId(), stalled.id())
                : jobs.find(stalled.tenantId(), stalled.id()).chain(job -> job == null ? Uni.createFrom().voidItem()
                        : service.split(job).replaceWithVoid());
        return work.onFailure().invoke(e -> Log.warnf("recovering job %s failed: %s", stalled.id(), e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
