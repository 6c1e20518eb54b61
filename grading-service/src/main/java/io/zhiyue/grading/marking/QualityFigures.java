package io.zhiyue.grading.marking;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
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
        BigDecimal adjacentLimit = scale.scoreStep().max(BigDecimal.ONE);
        long exact = 0;
        long adjacent = 0;
        BigDecimal difference = BigDecimal.ZERO;
        for (BlindCheck check : checks) {
            BigDecimal delta = check.aiScore().subtract(check.humanScore());
            exact += delta.signum() == 0 ? 1 : 0;
            adjacent += delta.abs().compareTo(adjacentLimit) <= 0 ? 1 : 0;
            difference = difference.add(delta);
        }
        int n = checks.size();
        return new QualityFigures(n, quadraticWeightedKappa(scale, checks), share(exact, n), share(adjacent, n),
                n == 0 ? null : difference.doubleValue() / n,
                share(counts.autoAccepted(), counts.proposals()), share(counts.overridden(), counts.humanDecided()));
    }

    /**
     * The alert rule: adjacent agreement under 90 % over at least 30 checked answers stops
     * auto-accepting the question until a teacher turns it back on.
     */
    public boolean shouldStopAutoAccept() {
        return count >= MIN_CHECKS_FOR_ALERT && adjacentAgreement < MIN_ADJACENT_AGREEMENT;
    }

    /**
     * Quadratic weighted kappa {@code 1 − Σ w·O / Σ w·E} with {@code w_ij = (i − j)² / (k − 1)²},
     * {@code O} the observed and {@code E} the chance (product of the marginals) proportions. The
     * {@code (k − 1)²} cancels, and with AI categories {@code a}, human {@code h} over {@code n} checks
     * {@code Σ w·O ∝ Σ(a − h)² / n} and {@code Σ w·E ∝ Σa²/n + Σh²/n − 2·Σa·Σh / n²}, so no
     * k × k table is built (a 1000-point question in 0.01 steps has 100 001 categories).
     * <p>
     * Null without checks. When every check is in one and the same category on both sides the chance
     * disagreement is 0 and kappa is undefined; it is then 1.0, since the observed disagreement is 0
     * as well (any differing pair would spread a marginal) and the AI agreed with people on every answer.
     */
    public static Double quadraticWeightedKappa(ScoreScale scale, List<BlindCheck> checks) {
        if (checks.isEmpty()) {
            return null;
        }
        BigInteger n = BigInteger.valueOf(checks.size());
        BigInteger sumAi = BigInteger.ZERO;
        BigInteger sumHuman = BigInteger.ZERO;
        BigInteger sumAiSquared = BigInteger.ZERO;
        BigInteger sumHumanSquared = BigInteger.ZERO;
        BigInteger sumDifferenceSquared = BigInteger.ZERO;
        for (int i = 0; i < checks.size(); i++) {
            BigInteger ai = category(scale, checks.get(i).aiScore(), i);
            BigInteger human = category(scale, checks.get(i).humanScore(), i);
            sumAi = sumAi.add(ai);
            sumHuman = sumHuman.add(human);
            sumAiSquared = sumAiSquared.add(ai.pow(2));
            sumHumanSquared = sumHumanSquared.add(human.pow(2));
            sumDifferenceSquared = sumDifferenceSquared.add(ai.subtract(human).pow(2));
        }
        // Both sides of the ratio multiplied by n² to stay in integers.
        BigInteger observed = n.multiply(sumDifferenceSquared);
        BigInteger chance = n.multiply(sumAiSquared).add(n.multiply(sumHumanSquared))
                .subtract(BigInteger.TWO.multiply(sumAi).multiply(sumHuman));
        if (chance.signum() == 0) {
            return 1.0;
        }
        BigDecimal ratio = new BigDecimal(observed).divide(new BigDecimal(chance), MathContext.DECIMAL64);
        return BigDecimal.ONE.subtract(ratio).doubleValue();
    }

    private static BigInteger category(ScoreScale scale, BigDecimal score, int index) {
        if (scale.violationOf(score).isPresent()) {
            throw new IllegalArgumentException("blind check " + index + " holds score " + score
                    + ", which is not on the scale 0.." + scale.maxScore() + " step " + scale.scoreStep());
        }
        return BigInteger.valueOf(scale.category(score));
    }

    private static Double share(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
