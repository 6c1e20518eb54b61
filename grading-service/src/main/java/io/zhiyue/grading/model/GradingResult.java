package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

@RegisterForReflection
public record GradingResult(
        UUID submissionId,
        String studentId,
        int questionNumber,
        BigDecimal score,
        BigDecimal maxScore,
        BigDecimal confidence,
        String graderId,
        List<PointOutcome> points) {

    @RegisterForReflection
    public record PointOutcome(String id, boolean awarded, BigDecimal points, String evidence) {
    }
}
