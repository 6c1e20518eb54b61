package io.zhiyue.e2e.driver;

import java.math.BigDecimal;
import java.util.List;

/** {@code GET /grading-jobs/{jobId}/statistics}: score statistics per question. */
public record Statistics(String jobId, List<QuestionStatistics> questions) {

    public record QuestionStatistics(
            int questionNumber,
            BigDecimal maxScore,
            long count,
            BigDecimal mean,
            BigDecimal stdDev,
            BigDecimal min,
            BigDecimal max,
            List<Bucket> distribution) {
    }

    public record Bucket(BigDecimal score, long count) {
    }
}
