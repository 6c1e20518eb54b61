package io.zhiyue.checkpoint.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.checkpoint.config.CheckpointConfig;
import io.zhiyue.checkpoint.repository.CheckpointRepository;
import io.zhiyue.checkpoint.store.RetentionPlan;
import io.zhiyue.streams.lease.RetentionSweeps;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Bounds what is kept: per thread and namespace the newest {@code keep-newest} checkpoints plus
 * every snapshot and delta they are rebuilt from ({@link RetentionPlan}: a chain a kept checkpoint
 * needs is never cut), and no thread whose newest checkpoint is older than {@code max-age}. Every
 * ten minutes, on the instance that holds the retention lease ({@link RetentionSweeps}).
 */
@ApplicationScoped
public class CheckpointRetention {

    private final CheckpointRepository repository;
    private final CheckpointConfig config;
    private final RetentionSweeps sweeps;

    public CheckpointRetention(CheckpointRepository repository, CheckpointConfig config, RetentionSweeps sweeps) {
        this.repository = repository;
        this.config = config;
        this.sweeps = sweeps;
    }

    /** The scheduled sweep: one pass when this instance holds the retention lease. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepUnderLease().replaceWithVoid();
    }

    /** One pass when this instance holds the retention lease (taking it if free); answers whether it ran. */
    public Uni<Boolean> sweepUnderLease() {
        return sweeps.ifLeader("checkpoints", this::sweepOnce);
    }

    /** One pass; answers how many checkpoints went. */
    public Uni<Integer> sweepOnce() {
        return repository.deleteOldThreads(config.maxAge())
                .chain(old -> repository.crowded(config.keepNewest())
                        .chain(crowded -> Multi.createFrom().iterable(crowded)
                                .onItem().transformToUniAndConcatenate(threadNamespace -> repository
                                        .retentionRows(threadNamespace)
                                        .chain(rows -> repository.delete(List.copyOf(
                                                RetentionPlan.of(rows, config.keepNewest()).deleted()))))
                                .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue)))
                        .map(kept -> old + kept))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        Log.infof("retention deleted %d checkpoints", deleted);
                    }
                });
    }
}
