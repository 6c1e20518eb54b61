package io.zhiyue.e2e.driver;

import java.math.BigDecimal;
import java.util.List;

/** The final score of one submission in one job, with the grader's per-point decisions. */
public record Result(
        String submissionId,
        String studentId,
        int questionNumber,
        BigDecimal score,
        BigDecimal maxScore,
        BigDecimal confidence,
        String graderId,
        List<Point> points) {

    public record Point(String id, boolean awarded, String evidence) {
    }
}
