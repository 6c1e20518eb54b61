package io.zhiyue.grading.grader;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.util.List;

/** A grader's verdict on one answer; {@code graderId} names the grader (or graders) behind it. */
@RegisterForReflection
public record GradeResult(String graderId, BigDecimal score, BigDecimal maxScore, BigDecimal confidence,
        List<PointDecision> points) {
}
