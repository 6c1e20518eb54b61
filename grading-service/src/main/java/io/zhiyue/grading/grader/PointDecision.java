package io.zhiyue.grading.grader;

import java.math.BigDecimal;

/** Whether one scoring point was awarded, the points it carries and the evidence found. */
public record PointDecision(String id, boolean awarded, BigDecimal points, String evidence) {
}
