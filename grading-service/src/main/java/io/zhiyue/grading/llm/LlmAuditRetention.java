package io.zhiyue.grading.llm;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.LlmRepository;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes the LLM audit records older than the retention period ({@code zhiyue.llm.audit-retention},
 * 180 days by default), a slice at a time, every hour; every instance may run it, a record goes once.
 */
@ApplicationScoped
public class LlmAuditRetention {

    private final LlmRepository repository;
    private final LlmConfig config;

    public LlmAuditRetention(LlmRepository repository, LlmConfig config) {
        this.repository = repository;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepOnce().replaceWithVoid();
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
