package io.zhiyue.grading.marking;

import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.error.ZhiyueException;

import java.math.BigDecimal;
import java.util.List;

/** A score off its question's scale: a 400 with a field error on {@code score}. */
public final class InvalidScoreException extends ZhiyueException {

    private final ScoreViolation violation;

    InvalidScoreException(ScoreViolation violation, BigDecimal score, String message) {
        super(ErrorCode.VALIDATION_ERROR, "score " + (score == null ? "" : ScoreScale.plain(score) + " ") + message,
                List.of(new Problem.FieldError("score", message)));
        this.violation = violation;
    }

    public ScoreViolation violation() {
        return violation;
    }
}
