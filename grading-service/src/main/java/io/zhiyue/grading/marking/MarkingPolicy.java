package io.zhiyue.grading.marking;

import io.zhiyue.grading.model.ReviewStatus;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Whether a grader's proposal for an answer is final (DESIGN.md "Marking"), from the question's
 * marking settings as a job froze them. In {@code rule} mode the rule-based grader's score is
 * final. In {@code ai} mode a proposal is final only when auto-accept is on, double marking is
 * off (then the proposal is only the first of two marks) and its confidence reaches the
 * threshold; an answer no grader could propose for waits for people, never with a made-up score.
 */
public final class MarkingPolicy {

    private static final BigDecimal TWO_TO_32 = BigDecimal.valueOf(1L << 32);

    /**
     * A question's settings as a job froze them; {@code hasPoints}: its rubric version has scoring
     * points; {@code auditRate}: the share of AUTO_ACCEPTED answers marked again blind.
     */
    public record Frozen(boolean ai, boolean autoAccept, BigDecimal minConfidence, boolean doubleMarking,
            boolean hasPoints, BigDecimal maxScore, BigDecimal auditRate) {

        /** Whether the rule-based grader is asked at all: in ai mode without points it has nothing to go on. */
        public boolean graderProposes() {
            return !ai || hasPoints;
        }
    }

    private MarkingPolicy() {
    }

    /**
     * Whether an AUTO_ACCEPTED answer is drawn for the blind audit at {@code auditRate}: its draw,
     * uniform in [0, 1) and the same in every job, is the first 32 bits of the md5 of its id.
     */
    public static boolean drawnForAudit(UUID submissionId, BigDecimal auditRate) {
        if (auditRate.signum() <= 0) {
            return false;
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("MD5").digest(submissionId.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
        long draw = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
                | (digest[3] & 0xFFL);
        return BigDecimal.valueOf(draw).compareTo(auditRate.multiply(TWO_TO_32)) < 0;
    }

    /**
     * The review status of an answer with this proposal's {@code confidence} (null: no proposal);
     * null in rule mode without a proposal, which is a failed grading.
     */
    public static ReviewStatus decide(Frozen marking, BigDecimal confidence) {
        if (!marking.ai()) {
            return confidence == null ? null : ReviewStatus.AUTO_ACCEPTED;
        }
        if (confidence == null || marking.doubleMarking() || !marking.autoAccept()
                || confidence.compareTo(marking.minConfidence()) < 0) {
            return ReviewStatus.NEEDS_REVIEW;
        }
        return ReviewStatus.AUTO_ACCEPTED;
    }
}
