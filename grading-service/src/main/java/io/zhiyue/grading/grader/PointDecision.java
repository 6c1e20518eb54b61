package io.zhiyue.grading.grader;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;

/** Whether one scoring point was awarded, the points it carries and the evidence found. */
@RegisterForReflection
public record PointDecision(String id, boolean awarded, BigDecimal points, String evidence) {
}
