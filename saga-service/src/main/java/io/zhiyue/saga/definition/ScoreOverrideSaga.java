package io.zhiyue.saga.definition;

import io.zhiyue.shared.saga.SagaNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

/**
 * The score override (DESIGN.md): a teacher changes a final score after the job completed, and three places change
 * together or not at all.
 * <ol>
 * <li>{@code override-score} (grading-service): the new final score, HUMAN, with its history; compensated by
 * restoring the previous score (the history says it was undone). A review-queue mark on a completed job is this
 * step applied by grading-service with the mark, and the saga starts from the second ({@code SagaApplied});
 * its compensation takes the mark back;</li>
 * <li>{@code invalidate-cache} (cache-service): the answer's AI result leaves the result cache, so it is never
 * reused;</li>
 * <li>{@code notify} (grading-service, retriable, never compensated): SCORE_CHANGED and a USER_NOTIFICATION on the
 * exam's and the student's channels.</li>
 * </ol>
 * A review-queue mark on a completed job runs {@value #REVIEW_MARK}: the same steps, except that the cache step is
 * retriable (tried until cache-service answers, then the saga waits for an operator) — a person's decision is not
 * taken back because cache-service was away for a while: while it is away it serves nothing, and its first answer
 * drops the stale entry. An operator's cancel still compensates, and takes the mark back.
 */
@ApplicationScoped
public class ScoreOverrideSaga {

    public static final String NAME = SagaNames.SCORE_OVERRIDE;
    public static final String REVIEW_MARK = SagaNames.REVIEW_MARK;

    @Produces
    @Singleton
    SagaDefinition scoreOverride() {
        return new SagaDefinition(NAME, 1, List.of(
                StepDefinition.compensable("override-score", "grading-service", Duration.ofSeconds(5)),
                StepDefinition.compensable("invalidate-cache", "cache-service", Duration.ofSeconds(3)),
                StepDefinition.retriable("notify", "grading-service", Duration.ofSeconds(5))));
    }

    @Produces
    @Singleton
    SagaDefinition reviewMark() {
        return new SagaDefinition(REVIEW_MARK, 1, List.of(
                StepDefinition.compensable("override-score", "grading-service", Duration.ofSeconds(5)),
                StepDefinition.retriable("invalidate-cache", "cache-service", Duration.ofSeconds(3)),
                StepDefinition.retriable("notify", "grading-service", Duration.ofSeconds(5))));
    }
}
