package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A stored snapshot of a question's answers that are identical after normalisation, so a teacher
 * marks a common answer once (DESIGN.md "Marking"). {@code representative} is one member's answer
 * as written (the first by submission id), {@code normalizedAnswer} the text the members share;
 * {@code proposedScore} is the most common grader proposal among the members' latest results
 * (null: none) and {@code marked} how many members already carry a teacher mark under the
 * question's current version, both as they are now (the stored snapshot keeps the proposal it was
 * made with). Never a student's identity.
 */
@RegisterForReflection
public record AnswerGroup(
        UUID id,
        UUID questionId,
        String representative,
        String normalizedAnswer,
        int size,
        BigDecimal proposedScore,
        int marked,
        OffsetDateTime createdAt) {

    /** A teacher's mark for every member of a group. */
    @RegisterForReflection
    public record MarkRequest(BigDecimal score, String markerId, String comment) {
    }

    /**
     * What a group mark did: {@code marked} members got a teacher mark, {@code resolvedReviewItems}
     * of their open single-mark review items were resolved with it, {@code skippedBlindItems} open
     * items were left to double marking or the audit sample.
     */
    @RegisterForReflection
    public record MarkReport(UUID groupId, int marked, int resolvedReviewItems, int skippedBlindItems) {
    }
}
