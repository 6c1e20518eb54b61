package io.zhiyue.grading.grader;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;

/** One ordered scoring point of a rubric; {@code points} may be negative (a deduction). */
@RegisterForReflection
public record ScoringPoint(String id, String description, BigDecimal points, Match match) {
}
