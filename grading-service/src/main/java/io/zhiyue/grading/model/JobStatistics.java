package io.zhiyue.grading.model;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/** Per question: count, mean, population standard deviation, min, max and score distribution. */
public record JobStatistics(UUID jobId, List<QuestionStatistics> questions) {

    public record QuestionStatistics(int questionNumber, BigDecimal maxScore, long count, BigDecimal mean,
            BigDecimal stdDev, BigDecimal min, BigDecimal max, List<ScoreCount> distribution) {
    }

    public record ScoreCount(BigDecimal score, long count) {
    }
}
