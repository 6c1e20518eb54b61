package io.zhiyue.grading.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.grader.GradingQuestion;
import io.zhiyue.grading.grader.RuleBasedGrader;
import io.zhiyue.grading.grader.RuleBasedGrader.PreparedQuestion;
import io.zhiyue.grading.repository.BatchRepository;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The one rubric cache: rubric version id → compiled question, bounded (Caffeine). Versions are
 * immutable, so an entry never goes stale; an evicted one is loaded and compiled again.
 */
@ApplicationScoped
public class PreparedRubrics {

    private final BatchRepository batches;
    private final RuleBasedGrader grader;
    private final Cache<UUID, PreparedQuestion> cache;

    public PreparedRubrics(BatchRepository batches, RuleBasedGrader grader, GradingConfig config) {
        this.batches = batches;
        this.grader = grader;
        this.cache = Caffeine.newBuilder().maximumSize(config.preparedRubrics()).build();
    }

    /**
     * The compiled questions of {@code rubricIds}, on a worker thread, fixed for the caller (an
     * eviction meanwhile changes nothing). A rubric that cannot be compiled is left out, so only
     * its own submissions fail.
     */
    public Uni<Map<UUID, PreparedQuestion>> resolve(Collection<UUID> rubricIds) {
        Map<UUID, PreparedQuestion> resolved = new HashMap<>();
        Set<UUID> missing = new HashSet<>();
        for (UUID id : rubricIds) {
            PreparedQuestion question = cache.getIfPresent(id);
            if (question != null) {
                resolved.put(id, question);
            } else {
                missing.add(id);
            }
        }
        Uni<Map<UUID, GradingQuestion>> loaded = missing.isEmpty() ? Uni.createFrom().item(Map.of())
                : batches.loadRubrics(missing);
        // compiling (and the grading that follows) is CPU work: off the event loop that read the rows
        return loaded.emitOn(Infrastructure.getDefaultWorkerPool()).map(questions -> {
            questions.forEach((id, question) -> compile(id, question, resolved));
            return resolved;
        });
    }

    private void compile(UUID id, GradingQuestion question, Map<UUID, PreparedQuestion> into) {
        try {
            PreparedQuestion prepared = grader.prepare(question);
            cache.put(id, prepared);
            into.put(id, prepared);
        } catch (RuntimeException | StackOverflowError e) {
            Log.errorf("rubric %s cannot be compiled: %s", id, e.getMessage());
        }
    }
}
