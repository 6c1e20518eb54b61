package io.zhiyue.grading.llm;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.LlmRepository;
import io.zhiyue.streams.lease.RetentionSweeps;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes the LLM audit records older than the retention period ({@code zhiyue.llm.audit-retention},
 * 180 days by default), a slice at a time, every hour, on the instance that holds the retention lease
 * ({@link RetentionSweeps}).
 */
@ApplicationScoped
public class LlmAuditRetention {

    private final LlmRepository repository;
    private final LlmConfig config;
    private final RetentionSweeps sweeps;

    public LlmAuditRetention(LlmRepository repository, LlmConfig config, RetentionSweeps sweeps) {
        this.repository = repository;
        this.config = config;
        this.sweeps = sweeps;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepUnderLease().replaceWithVoid();
    }

    /** One pass when this instance holds the retention lease (taking it if free); answers whether it ran. */
    public Uni<Boolean> sweepUnderLease() {
        return sweeps.ifLeader("llm-audit", this::sweepOnce);
    }

    /** Deletes every record past the retention period; answers how many went. */
    public Uni<Integer> sweepOnce() {
        return slices().invoke(deleted -> {
            if (deleted > 0) {
                Log.infof("deleted %d LLM audit records older than %s", deleted, config.auditRetention());
            }
        });
    }

    private Uni<Integer> slices() {
        return repository.sweep(config.auditRetention()).chain(deleted -> deleted == 0 ? Uni.createFrom().item(0)
                : slices().map(more -> deleted + more));
    }
}
