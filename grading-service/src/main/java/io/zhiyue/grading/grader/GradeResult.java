package io.zhiyue.grading.grader;

import java.math.BigDecimal;
import java.util.List;

/** A grader's verdict on one answer. */
public record GradeResult(BigDecimal score, BigDecimal maxScore, BigDecimal confidence, List<PointDecision> points) {
}
