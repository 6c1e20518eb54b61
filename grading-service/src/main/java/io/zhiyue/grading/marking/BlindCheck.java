package io.zhiyue.grading.marking;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One AI proposal checked by a person who had not seen it: a double mark, or an AUTO_ACCEPTED answer
 * drawn for the {@code auditRate} sample. Review-queue marks are no blind checks: that queue holds the
 * answers the AI was unsure of by construction.
 */
public record BlindCheck(BigDecimal aiScore, BigDecimal humanScore) {

    public BlindCheck {
        Objects.requireNonNull(aiScore, "aiScore");
        Objects.requireNonNull(humanScore, "humanScore");
    }
}
