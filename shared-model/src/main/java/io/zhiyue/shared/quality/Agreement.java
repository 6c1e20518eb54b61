package io.zhiyue.shared.quality;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * Agreement between two markers over the same answers, in score categories ({@code score /
 * scoreStep}, whole numbers): the one quadratic weighted kappa of the suite, used by the AI quality
 * figures, the exemplar grader's evaluation and the demo.
 */
public final class Agreement {

    private Agreement() {
    }

    /**
     * Quadratic weighted kappa {@code 1 − Σ w·O / Σ w·E} with {@code w_ij = (i − j)² / (k − 1)²},
     * {@code O} the observed and {@code E} the chance (product of the marginals) proportions. The
     * {@code (k − 1)²} cancels, and with categories {@code a}, {@code b} over {@code n} answers
     * {@code Σ w·O ∝ Σ(a − b)² / n} and {@code Σ w·E ∝ Σa²/n + Σb²/n − 2·Σa·Σb / n²}, so no
     * k × k table is built (a 1000-point question in 0.01 steps has 100 001 categories).
     * <p>
     * Null without answers. When every answer is in one and the same category on both sides the
     * chance disagreement is 0 and kappa is undefined; it is then 1.0, since the observed
     * disagreement is 0 as well (any differing pair would spread a marginal) and the two agreed on
     * every answer.
     *
     * @throws IllegalArgumentException when the two arrays differ in length
     */
    public static Double quadraticWeightedKappa(long[] first, long[] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException("both markers must mark the same answers: " + first.length
                    + " and " + second.length + " categories");
        }
        if (first.length == 0) {
            return null;
        }
        BigInteger n = BigInteger.valueOf(first.length);
        BigInteger sumA = BigInteger.ZERO;
        BigInteger sumB = BigInteger.ZERO;
        BigInteger sumASquared = BigInteger.ZERO;
        BigInteger sumBSquared = BigInteger.ZERO;
        BigInteger sumDifferenceSquared = BigInteger.ZERO;
        for (int i = 0; i < first.length; i++) {
            BigInteger a = BigInteger.valueOf(first[i]);
            BigInteger b = BigInteger.valueOf(second[i]);
            sumA = sumA.add(a);
            sumB = sumB.add(b);
            sumASquared = sumASquared.add(a.pow(2));
            sumBSquared = sumBSquared.add(b.pow(2));
            sumDifferenceSquared = sumDifferenceSquared.add(a.subtract(b).pow(2));
        }
        // both sides of the ratio multiplied by n² to stay in integers
        BigInteger observed = n.multiply(sumDifferenceSquared);
        BigInteger chance = n.multiply(sumASquared).add(n.multiply(sumBSquared))
                .subtract(BigInteger.TWO.multiply(sumA).multiply(sumB));
        if (chance.signum() == 0) {
            return 1.0;
        }
        BigDecimal ratio = new BigDecimal(observed).divide(new BigDecimal(chance), MathContext.DECIMAL64);
        return BigDecimal.ONE.subtract(ratio).doubleValue();
    }
}
