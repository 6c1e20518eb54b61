package io.zhiyue.grading.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

public record GradingResult(
        UUID submissionId,
        String studentId,
        int questionNumber,
        BigDecimal score,
        BigDecimal maxScore,
        BigDecimal confidence,
        String graderId,
        List<PointOutcome> points) {

    public record PointOutcome(String id, boolean awarded, BigDecimal points, String evidence) {
    }
}
