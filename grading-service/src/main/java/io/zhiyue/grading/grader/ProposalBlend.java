package io.zhiyue.grading.grader;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * One proposal from the exemplar grader and, when the question has rubric points, the rule-based
 * grader. Two graders that agree back each other: the more confident of the two stands. Two that
 * disagree make the answer doubtful: the more confident one's score is proposed, with the lower
 * of the two confidences shrunk by how far apart they are ({@code × (1 − |difference| / maxScore)}),
 * so a disagreement practically always goes to people. The rule-based point decisions stay as the
 * evidence of what the answer contains.
 */
public final class ProposalBlend {

    /** The id of a proposal both graders had a say in, agreeing or not. */
    public static final String BOTH = ExemplarGrader.ID + "+" + RuleBasedGrader.ID;

    private ProposalBlend() {
    }

    /**
     * The proposal for an answer: {@code exemplar} or {@code rule} may be null (that grader had
     * nothing to say); null when both are.
     */
    public static GradeResult of(ExemplarGrader.Proposal exemplar, GradeResult rule, BigDecimal maxScore) {
        if (exemplar == null) {
            return rule;
        }
        // a teacher's score, checked against the question's scale when it was given
        BigDecimal score = BigDecimal.valueOf(exemplar.score()).stripTrailingZeros();
        if (score.scale() < 0) {
            score = score.setScale(0);
        }
        // stored with two decimals: rounded down, so never more confident than calibrated
        BigDecimal confidence = BigDecimal.valueOf(exemplar.confidence()).setScale(2, RoundingMode.FLOOR);
        if (rule == null) {
            return new GradeResult(ExemplarGrader.ID, score, maxScore, confidence, List.of());
        }
        if (rule.score().compareTo(score) == 0) {
            return new GradeResult(BOTH, score, maxScore, confidence.max(rule.confidence()), rule.points());
        }
        BigDecimal apart = BigDecimal.ONE.subtract(rule.score().subtract(score).abs()
                .divide(maxScore, 4, RoundingMode.HALF_UP)).max(BigDecimal.ZERO);
        BigDecimal doubtful = confidence.min(rule.confidence()).multiply(apart).setScale(2, RoundingMode.FLOOR);
        BigDecimal proposed = confidence.compareTo(rule.confidence()) >= 0 ? score : rule.score();
        return new GradeResult(BOTH, proposed, maxScore, doubtful, rule.points());
    }
}
