package io.zhiyue.grading.grader;

import java.math.BigDecimal;

/** Some number in the answer lies within {@code value ± tolerance}, bounds included. */
public record NumericMatch(BigDecimal value, BigDecimal tolerance) {
}
