package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A stored snapshot of a question's answers that are identical after normalisation, or
 * near-identical (only white space and punctuation apart, and close by their stored embeddings), so a
 * teacher marks a common answer once (DESIGN.md "Marking"). {@code representative} is one answer
 * of the group's most common text as written (the first by submission id), {@code normalizedAnswer}
 * that text normalised; {@code variants} is how many distinct normalised texts the group holds:
 * 1 when every member is identical to the representative, more when some are near-identical
 * variants of it (the view shows the representative only; the variants differ from it in
 * punctuation and white space alone). {@code proposedScore}
 * is the most common grader proposal among the members' latest results (null: none) and
 * {@code marked} how many members already carry a teacher mark under the question's current
 * version, both as they are now (the stored snapshot keeps the proposal it was made with). Never a
 * student's identity.
 */
@RegisterForReflection
public record AnswerGroup(
        UUID id,
        UUID questionId,
        String representative,
        String normalizedAnswer,
        int size,
        int variants,
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
