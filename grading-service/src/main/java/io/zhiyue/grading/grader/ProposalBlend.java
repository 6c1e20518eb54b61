package io.zhiyue.grading.grader;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One proposal from the graders that had a say about an answer: the exemplar grader, the LLM
 * grader and, when the question has rubric points, the rule-based grader. Graders that agree back
 * each other: the most confident of them stands. Graders that disagree make the answer doubtful:
 * the most confident one's score is proposed, with the lowest of their confidences shrunk by how
 * far apart the scores are ({@code × (1 − widest difference / maxScore)}), so a disagreement
 * practically always goes to people. The point decisions shown are the LLM's (they quote their
 * evidence), else the rule-based grader's.
 */
public final class ProposalBlend {

    /** The id of a proposal the exemplar and rule-based graders both had a say in, agreeing or not. */
    public static final String BOTH = ExemplarGrader.ID + "+" + RuleBasedGrader.ID;

    private ProposalBlend() {
    }

    /**
     * The proposal for an answer: any of {@code exemplar}, {@code llm} and {@code rule} may be null
     * (that grader had nothing to say); null when all are.
     */
    public static GradeResult of(ExemplarGrader.Proposal exemplar, GradeResult llm, GradeResult rule,
            BigDecimal maxScore) {
        List<GradeResult> said = new ArrayList<>(3);
        if (exemplar != null) {
            said.add(exemplar(exemplar, maxScore));
        }
        if (llm != null) {
            said.add(llm);
        }
        if (rule != null) {
            said.add(rule);
        }
        if (said.size() <= 1) {
            return said.isEmpty() ? null : said.getFirst();
        }
        GradeResult surest = said.getFirst();
        BigDecimal lowest = surest.confidence();
        BigDecimal min = surest.score();
        BigDecimal max = surest.score();
        StringBuilder id = new StringBuilder();
        for (GradeResult one : said) {
            id.append(id.isEmpty() ? "" : "+").append(one.graderId());
            if (one.confidence().compareTo(surest.confidence()) > 0) {
                surest = one;
            }
            lowest = lowest.min(one.confidence());
            min = min.min(one.score());
            max = max.max(one.score());
        }
        List<PointDecision> points = llm != null ? llm.points() : rule != null ? rule.points() : List.of();
        if (min.compareTo(max) == 0) {
            return new GradeResult(id.toString(), surest.score(), maxScore, surest.confidence(), points);
        }
        BigDecimal apart = BigDecimal.ONE.subtract(max.subtract(min).divide(maxScore, 4, RoundingMode.HALF_UP))
                .max(BigDecimal.ZERO);
        BigDecimal doubtful = lowest.multiply(apart).setScale(2, RoundingMode.FLOOR);
        return new GradeResult(id.toString(), surest.score(), maxScore, doubtful, points);
    }

    /** The exemplar grader's proposal: a teacher's score, with its calibrated confidence rounded down. */
    private static GradeResult exemplar(ExemplarGrader.Proposal exemplar, BigDecimal maxScore) {
        // a teacher's score, checked against the question's scale when it was given
        BigDecimal score = BigDecimal.valueOf(exemplar.score()).stripTrailingZeros();
        if (score.scale() < 0) {
            score = score.setScale(0);
        }
        // stored with two decimals: rounded down, so never more confident than calibrated
        BigDecimal confidence = BigDecimal.valueOf(exemplar.confidence()).setScale(2, RoundingMode.FLOOR);
        return new GradeResult(ExemplarGrader.ID, score, maxScore, confidence, List.of());
    }
}
