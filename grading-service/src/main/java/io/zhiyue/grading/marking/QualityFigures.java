package io.zhiyue.grading.marking;

import io.zhiyue.shared.quality.Agreement;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * The AI quality of one question (DESIGN.md "Marking"), from {@link BlindCheck blind checks} only:
 * <ul>
 * <li>{@code kappa}: quadratic weighted kappa with categories {@code score / scoreStep};</li>
 * <li>{@code exactAgreement}: share of checks with AI = human;</li>
 * <li>{@code adjacentAgreement}: share with {@code |AI − human| ≤ max(1, scoreStep)} in score units;</li>
 * <li>{@code bias}: mean of AI − human in score units (positive: the AI is generous);</li>
 * <li>{@code autoAcceptRate} = autoAccepted / proposals, {@code overrideRate} = overridden /
 * humanDecided ({@link DecisionCounts}).</li>
 * </ul>
 * A figure with nothing to divide by (no checks, no proposals) is null, never 0 or NaN.
 */
public record QualityFigures(
        int count,
        Double kappa,
        Double exactAgreement,
        Double adjacentAgreement,
        Double bias,
        Double autoAcceptRate,
        Double overrideRate) {

    /** Fewer checks than this say too little to stop auto-accepting. */
    public static final int MIN_CHECKS_FOR_ALERT = 30;
    public static final double MIN_ADJACENT_AGREEMENT = 0.90;

    /** @throws IllegalArgumentException when a check holds a score off the question's scale */
    public static QualityFigures of(ScoreScale scale, List<BlindCheck> checks, DecisionCounts counts) {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(counts, "counts");
        long exact = 0;
        long adjacent = 0;
        BigDecimal difference = BigDecimal.ZERO;
        for (BlindCheck check : checks) {
            BigDecimal delta = check.aiScore().subtract(check.humanScore());
            exact += delta.signum() == 0 ? 1 : 0;
            adjacent += adjacent(scale, check) ? 1 : 0;
            difference = difference.add(delta);
        }
        int n = checks.size();
        return new QualityFigures(n, quadraticWeightedKappa(scale, checks), share(exact, n), share(adjacent, n),
                n == 0 ? null : difference.doubleValue() / n,
                share(counts.autoAccepted(), counts.proposals()), share(counts.overridden(), counts.humanDecided()));
    }

    /** Whether the AI and the person agree within {@code max(1, scoreStep)} score units on this check. */
    public static boolean adjacent(ScoreScale scale, BlindCheck check) {
        BigDecimal adjacentLimit = scale.scoreStep().max(BigDecimal.ONE);
        return check.aiScore().subtract(check.humanScore()).abs().compareTo(adjacentLimit) <= 0;
    }

    /**
     * The alert rule: adjacent agreement under 90 % over at least 30 checked answers stops
     * auto-accepting the question until a teacher turns it back on.
     */
    public boolean shouldStopAutoAccept() {
        return count >= MIN_CHECKS_FOR_ALERT && adjacentAgreement < MIN_ADJACENT_AGREEMENT;
    }

    /**
     * Quadratic weighted kappa with categories {@code score / scoreStep} ({@link Agreement}); null
     * without checks.
     */
    public static Double quadraticWeightedKappa(ScoreScale scale, List<BlindCheck> checks) {
        long[] ai = new long[checks.size()];
        long[] human = new long[checks.size()];
        for (int i = 0; i < checks.size(); i++) {
            ai[i] = category(scale, checks.get(i).aiScore(), i);
            human[i] = category(scale, checks.get(i).humanScore(), i);
        }
        return Agreement.quadraticWeightedKappa(ai, human);
    }

    private static long category(ScoreScale scale, BigDecimal score, int index) {
        if (scale.violationOf(score).isPresent()) {
            throw new IllegalArgumentException("blind check " + index + " holds score " + score
                    + ", which is not on the scale 0.." + scale.maxScore() + " step " + scale.scoreStep());
        }
        return scale.category(score);
    }

    private static Double share(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
