package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A graded answer. {@code score} is the final score, null while it is NEEDS_REVIEW;
 * {@code proposedScore}, {@code confidence} and {@code points} are the grader's proposal (null when
 * no grader could propose); {@code markers} lists every mark made on it. {@code reused}: how the
 * proposal came when no grader was asked about this answer — {@code batch} (an identical answer of
 * its batch was graded), {@code local}/{@code redis}/{@code postgres} (the result cache layer that
 * had it), {@code rescored} (an older rubric version's point decisions with the new values); null:
 * graded.
 */
@RegisterForReflection
public record GradingResult(
        UUID submissionId,
        String studentId,
        int questionNumber,
        BigDecimal score,
        BigDecimal maxScore,
        BigDecimal confidence,
        String graderId,
        List<PointOutcome> points,
        ReviewStatus reviewStatus,
        BigDecimal proposedScore,
        List<Marker> markers,
        String reused) {

    @RegisterForReflection
    public record PointOutcome(String id, boolean awarded, BigDecimal points, String evidence) {
    }

    /** One mark: a person's ({@code human}) or a grader's ({@code ai}). */
    @RegisterForReflection
    public record Marker(String markerId, String kind, BigDecimal score, OffsetDateTime at) {
    }
}
