package io.zhiyue.grading.marking;

/** Why a score is not on a question's {@link ScoreScale}. */
public enum ScoreViolation {
    MISSING,
    OUT_OF_RANGE,
    OFF_STEP;

    /** The field message a caller shows next to {@code score}. */
    public String message(ScoreScale scale) {
        return switch (this) {
            case MISSING -> "is required";
            case OUT_OF_RANGE -> "must be between 0 and " + ScoreScale.plain(scale.maxScore());
            case OFF_STEP -> "must be a multiple of " + ScoreScale.plain(scale.scoreStep());
        };
    }
}
