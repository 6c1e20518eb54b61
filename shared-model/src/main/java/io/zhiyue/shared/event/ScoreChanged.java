package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Payload of SCORE_CHANGED: an answer's final score was set or changed after grading (a person's
 * mark resolved its review item), with the review status it has now.
 */
@RegisterForReflection
public record ScoreChanged(
        UUID jobId,
        UUID examId,
        int questionNumber,
        BigDecimal score,
        String reviewStatus,
        Instant at) {
}
