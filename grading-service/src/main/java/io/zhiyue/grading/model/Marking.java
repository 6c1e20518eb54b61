package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zhiyue.shared.error.Problem.FieldError;

import java.math.BigDecimal;
import java.util.List;

/**
 * How a question's answers are marked (DESIGN.md "Marking"): {@code rule} is the rule-based grader
 * alone, its score final; in {@code ai} mode a grader's proposal becomes final only when it is
 * confident enough (and double marking is off), everything else waits for people. In a request
 * every part may be left out; the question then shows the defaults.
 */
@RegisterForReflection
public record Marking(String mode, AutoAccept autoAccept, DoubleMarking doubleMarking) {

    public static final String RULE = "rule";
    public static final String AI = "ai";
    static final BigDecimal DEFAULT_MIN_CONFIDENCE = new BigDecimal("0.9");
    static final BigDecimal DEFAULT_AUDIT_RATE = new BigDecimal("0.05");
    private static final int SHARE_DECIMALS = 3;

    /**
     * A proposal at or above {@code minConfidence} is final without a person (AUTO_ACCEPTED) while
     * {@code enabled}; {@code auditRate} of those are marked again blind for the quality figures.
     */
    @RegisterForReflection
    public record AutoAccept(Boolean enabled, BigDecimal minConfidence, BigDecimal auditRate) {
    }

    /** Two independent marks, the AI's proposal counting as the first; apart by more than {@code tolerance}: a third. */
    @RegisterForReflection
    public record DoubleMarking(Boolean enabled, BigDecimal tolerance) {
    }

    public static Marking rule() {
        return new Marking(RULE, new AutoAccept(true, DEFAULT_MIN_CONFIDENCE, DEFAULT_AUDIT_RATE),
                new DoubleMarking(false, null));
    }

    public boolean isAi() {
        return AI.equals(mode);
    }

    /**
     * The settings a request asked for, with defaults for what it left out; the problems go to
     * {@code errors} (fields named {@code marking.…}). {@code maxScore} and {@code scoreStep} are
     * the question's, already checked (null when they were invalid).
     */
    public static Marking resolve(Marking requested, BigDecimal maxScore, BigDecimal scoreStep, List<FieldError> errors) {
        if (requested == null) {
            return rule();
        }
        String mode = requested.mode() == null ? RULE : requested.mode();
        if (!RULE.equals(mode) && !AI.equals(mode)) {
            errors.add(new FieldError("marking.mode", "must be \"rule\" or \"ai\""));
        }
        AutoAccept auto = requested.autoAccept() == null ? new AutoAccept(null, null, null) : requested.autoAccept();
        BigDecimal minConfidence = share(auto.minConfidence(), DEFAULT_MIN_CONFIDENCE, "marking.autoAccept.minConfidence",
                errors);
        BigDecimal auditRate = share(auto.auditRate(), DEFAULT_AUDIT_RATE, "marking.autoAccept.auditRate", errors);
        DoubleMarking twice = requested.doubleMarking() == null ? new DoubleMarking(null, null)
                : requested.doubleMarking();
        boolean doubleMarked = Boolean.TRUE.equals(twice.enabled());
        BigDecimal tolerance = twice.tolerance();
        if (doubleMarked && !AI.equals(mode)) {
            errors.add(new FieldError("marking.doubleMarking.enabled", "needs marking.mode \"ai\" (people mark twice)"));
        }
        if (doubleMarked && tolerance == null) {
            errors.add(new FieldError("marking.doubleMarking.tolerance", "is required when double marking is enabled"));
        } else if (tolerance != null) {
            checkTolerance(tolerance, maxScore, scoreStep, errors);
        }
        return new Marking(mode, new AutoAccept(auto.enabled() == null || auto.enabled(), minConfidence, auditRate),
                new DoubleMarking(doubleMarked, tolerance));
    }

    private static BigDecimal share(BigDecimal value, BigDecimal fallback, String field, List<FieldError> errors) {
        if (value == null) {
            return fallback;
        }
        if (value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
            errors.add(new FieldError(field, "must be between 0 and 1"));
        } else if (Math.max(0, value.stripTrailingZeros().scale()) > SHARE_DECIMALS) {
            errors.add(new FieldError(field, "takes at most " + SHARE_DECIMALS + " decimals"));
        }
        return value;
    }

    private static void checkTolerance(BigDecimal tolerance, BigDecimal maxScore, BigDecimal scoreStep,
            List<FieldError> errors) {
        String field = "marking.doubleMarking.tolerance";
        if (Math.max(0, tolerance.stripTrailingZeros().scale()) > 2) {
            errors.add(new FieldError(field, "takes at most two decimals"));
        } else if (tolerance.signum() < 0 || (maxScore != null && tolerance.compareTo(maxScore) > 0)) {
            errors.add(new FieldError(field, "must be between 0 and maxScore"));
        } else if (scoreStep != null && scoreStep.signum() > 0
                && tolerance.remainder(scoreStep).signum() != 0) {
            errors.add(new FieldError(field, "must be a multiple of scoreStep " + scoreStep.toPlainString()));
        }
    }
}
