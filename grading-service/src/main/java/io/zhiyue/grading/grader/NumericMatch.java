package io.zhiyue.grading.grader;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;

/** Some number in the answer lies within {@code value ± tolerance}, bounds included. */
@RegisterForReflection
public record NumericMatch(BigDecimal value, BigDecimal tolerance) {
}
