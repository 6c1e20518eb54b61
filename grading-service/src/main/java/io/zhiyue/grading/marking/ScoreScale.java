package io.zhiyue.grading.marking;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.Optional;

/**
 * A question's marking scale: a score is valid when {@code 0 ≤ score ≤ maxScore} and it is a whole
 * multiple of {@code scoreStep}. Comparisons use {@code compareTo}, so {@code 7.5} and {@code 7.50}
 * are the same score. When {@code maxScore} is not itself a multiple of the step (max 5, step 2) the
 * highest valid score is the highest multiple below it (4), as the graders round down to the step.
 */
public record ScoreScale(BigDecimal maxScore, BigDecimal scoreStep) {

    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    /** More digits than any score on a numeric(10,2) scale needs, by far. */
    private static final int MAX_DIGITS = 40;

    public ScoreScale {
        Objects.requireNonNull(maxScore, "maxScore");
        Objects.requireNonNull(scoreStep, "scoreStep");
        if (maxScore.signum() <= 0) {
            throw new IllegalArgumentException("maxScore must be greater than 0, was " + maxScore);
        }
        if (scoreStep.signum() <= 0 || scoreStep.compareTo(maxScore) > 0) {
            throw new IllegalArgumentException("scoreStep must be in (0, maxScore], was " + scoreStep);
        }
    }

    /** Why {@code score} is not on this scale; empty when it is valid. The range is checked before the step. */
    public Optional<ScoreViolation> violationOf(BigDecimal score) {
        if (score == null) {
            return Optional.of(ScoreViolation.MISSING);
        }
        // a score written with absurd digits or exponent (1E-999999999) is refused before any
        // arithmetic on it, which would otherwise build numbers of that many digits
        if (score.precision() > MAX_DIGITS) {
            return Optional.of(ScoreViolation.OFF_STEP);
        }
        BigDecimal plain = score.stripTrailingZeros();
        if (plain.scale() < -MAX_DIGITS || plain.signum() < 0) {
            return Optional.of(ScoreViolation.OUT_OF_RANGE);
        }
        if (plain.scale() > MAX_DIGITS) {
            return Optional.of(ScoreViolation.OFF_STEP);
        }
        if (plain.compareTo(maxScore) > 0) {
            return Optional.of(ScoreViolation.OUT_OF_RANGE);
        }
        if (plain.remainder(scoreStep).signum() != 0) {
            return Optional.of(ScoreViolation.OFF_STEP);
        }
        return Optional.empty();
    }

    /**
     * The score as it is stored: {@code 2.50}, {@code 2.5E0} and {@code 0E-10} become {@code 2.5}
     * and {@code 0}. A score with absurd digits is returned as given (it is refused as invalid).
     */
    public static BigDecimal normalise(BigDecimal score) {
        if (score == null || score.precision() > MAX_DIGITS) {
            return score;
        }
        BigDecimal plain = score.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0) : plain;
    }

    /** @throws InvalidScoreException (400, field {@code score}) saying why the score is refused */
    public void requireValid(BigDecimal score) {
        Optional<ScoreViolation> violation = violationOf(score);
        if (violation.isPresent()) {
            throw new InvalidScoreException(violation.get(), score, violation.get().message(this));
        }
    }

    /** The mean of two valid scores rounded down to the step: (7 + 7.5) / 2 = 7.25 → 7 with step 0.5. */
    public BigDecimal meanRoundedDown(BigDecimal a, BigDecimal b) {
        return a.add(b).divide(scoreStep.multiply(TWO), 0, RoundingMode.FLOOR).multiply(scoreStep);
    }

    /**
     * For messages: {@code 10.00} reads {@code 10}, never {@code 1E+1}; a value with absurd digits
     * or exponent keeps its scientific form rather than becoming a string of a billion digits.
     */
    static String plain(BigDecimal value) {
        if (value.precision() > MAX_DIGITS) {
            return "(a number of " + value.precision() + " digits)";
        }
        BigDecimal plain = value.stripTrailingZeros();
        return Math.abs(plain.scale()) > MAX_DIGITS ? plain.toString() : plain.toPlainString();
    }

    /** A valid score's category, {@code score / scoreStep}: 0 … {@code maxScore / scoreStep}. */
    public long category(BigDecimal score) {
        requireValid(score);
        return score.divide(scoreStep, 0, RoundingMode.UNNECESSARY).longValueExact();
    }
}
