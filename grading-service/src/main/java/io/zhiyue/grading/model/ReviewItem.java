package io.zhiyue.grading.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zhiyue.grading.model.GradingResult.Marker;
import io.zhiyue.grading.model.GradingResult.PointOutcome;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An answer in the review queue, as a marker sees it: the answer and the question's scale, never
 * the student. {@code proposal} is the grader's (null when there is none, or while the item is
 * double-marked and not resolved: marking is blind); {@code marks} are the marks the asking
 * marker may see (all once the item is RESOLVED). {@code audit}: an AUTO_ACCEPTED answer drawn for
 * the audit sample, marked once, blind (in the exam's listing; null where a marker meets the item).
 * {@code leaseExpiresAt}: while a marker holds the item. {@code sagaId}: the score-override saga that
 * takes the mark just given to the cache and the student (its job had COMPLETED: the mark changed a published
 * score, and is the saga's first step; a compensated saga takes it back); absent otherwise.
 */
@RegisterForReflection
public record ReviewItem(
        UUID id,
        UUID examId,
        UUID jobId,
        int questionNumber,
        String state,
        boolean doubleMarking,
        Boolean audit,
        String answer,
        BigDecimal maxScore,
        BigDecimal scoreStep,
        Proposal proposal,
        List<Marker> marks,
        BigDecimal finalScore,
        OffsetDateTime createdAt,
        OffsetDateTime leaseExpiresAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) UUID sagaId) {

    /** The item, with the saga that carries the mark just given. */
    public ReviewItem withSaga(UUID saga) {
        return new ReviewItem(id, examId, jobId, questionNumber, state, doubleMarking, audit, answer, maxScore,
                scoreStep, proposal, marks, finalScore, createdAt, leaseExpiresAt, saga);
    }

    @RegisterForReflection
    public record Proposal(BigDecimal score, BigDecimal confidence, String graderId, List<PointOutcome> points) {
    }

    /**
     * A person's mark on an item: {@code chief} for an arbitration mark (until the gateway
     * authenticates markers); {@code points}: their per-point decisions {@code [{id, awarded}]},
     * optional, kept with the mark as given.
     */
    @RegisterForReflection
    public record MarkRequest(BigDecimal score, String markerId, Boolean chief, String reason, JsonNode points) {
    }

    /** A marker asking for the next item of their queue, leased to them for {@code leaseSeconds}. */
    @RegisterForReflection
    public record NextRequest(String markerId, Boolean chief, Integer leaseSeconds) {
    }
}
