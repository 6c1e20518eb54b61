package io.zhiyue.grading.service;

import io.zhiyue.grading.model.JobStatistics.QuestionStatistics;
import io.zhiyue.grading.model.JobStatistics.ScoreCount;
import io.zhiyue.grading.repository.ResultRepository.ScoreBucket;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ResultService#summarise} against numbers worked out by hand. */
class ResultServiceTest {

    @Test
    void meanPopulationStdDevMinMaxAndDistribution() {
        // scores 0, 5, 5, 10: mean 20/4 = 5; variance (25 + 0 + 0 + 25) / 4 = 12.5; sd = √12.5 = 3.5355…
        List<QuestionStatistics> stats = ResultService.summarise(List.of(
                bucket(1, "10", "0", 1), bucket(1, "10", "5", 2), bucket(1, "10", "10", 1)));

        assertThat(stats).hasSize(1);
        QuestionStatistics q1 = stats.get(0);
        assertThat(q1.questionNumber()).isEqualTo(1);
        assertThat(q1.maxScore()).isEqualByComparingTo("10");
        assertThat(q1.count()).isEqualTo(4);
        assertThat(q1.mean()).isEqualByComparingTo("5.00");
        assertThat(q1.stdDev()).isEqualByComparingTo("3.54");
        assertThat(q1.min()).isEqualByComparingTo("0");
        assertThat(q1.max()).isEqualByComparingTo("10");
        assertThat(q1.distribution()).extracting(ScoreCount::count).containsExactly(1L, 2L, 1L);
        assertThat(q1.distribution()).extracting(c -> c.score().stripTrailingZeros().toPlainString())
                .containsExactly("0", "5", "10");
    }

    @Test
    void meanAndStdDevAreRoundedHalfUpToTwoDecimals() {
        // seven 0s and one 1: mean 1/8 = 0.125 → 0.13; variance (7·0.015625 + 0.765625) / 8 = 0.109375; sd 0.3307… → 0.33
        QuestionStatistics q = ResultService.summarise(List.of(bucket(3, "1", "0", 7), bucket(3, "1", "1", 1))).get(0);
        assertThat(q.count()).isEqualTo(8);
        assertThat(q.mean()).isEqualByComparingTo("0.13");
        assertThat(q.stdDev()).isEqualByComparingTo("0.33");
    }

    @Test
    void repeatingMeanAndDecimalScores() {
        // 1, 2, 2: mean 5/3 = 1.666… → 1.67; variance (4/9 + 1/9 + 1/9) / 3 = 2/9; sd 0.4714… → 0.47
        QuestionStatistics q = ResultService.summarise(List.of(bucket(2, "5", "1", 1), bucket(2, "5", "2", 2))).get(0);
        assertThat(q.mean()).isEqualByComparingTo("1.67");
        assertThat(q.stdDev()).isEqualByComparingTo("0.47");

        // 0.5, 1.5: mean 1; sd 0.5 — decimal scores are not binary floating point
        QuestionStatistics half = ResultService.summarise(List.of(bucket(4, "2", "0.5", 1), bucket(4, "2", "1.5", 1))).get(0);
        assertThat(half.mean()).isEqualByComparingTo("1.00");
        assertThat(half.stdDev()).isEqualByComparingTo("0.50");
        assertThat(half.min()).isEqualByComparingTo("0.5");
        assertThat(half.max()).isEqualByComparingTo("1.5");
    }

    @Test
    void everyoneScoringTheSameHasZeroDeviation() {
        QuestionStatistics q = ResultService.summarise(List.of(bucket(1, "5", "2.5", 3))).get(0);
        assertThat(q.count()).isEqualTo(3);
        assertThat(q.mean()).isEqualByComparingTo("2.50");
        assertThat(q.stdDev()).isEqualByComparingTo("0");
        assertThat(q.min()).isEqualByComparingTo("2.5");
        assertThat(q.max()).isEqualByComparingTo("2.5");
        assertThat(q.distribution()).containsExactly(new ScoreCount(new BigDecimal("2.5"), 3));
    }

    @Test
    void questionsAreSummarisedSeparatelyInTheirOrder() {
        List<QuestionStatistics> stats = ResultService.summarise(List.of(
                bucket(1, "10", "4", 2), bucket(1, "10", "10", 2),
                bucket(2, "3", "0", 1), bucket(2, "3", "3", 3)));
        assertThat(stats).extracting(QuestionStatistics::questionNumber).containsExactly(1, 2);
        assertThat(stats).extracting(QuestionStatistics::count).containsExactly(4L, 4L);
        // q1: 4, 4, 10, 10 → mean 7, sd 3; q2: 0, 3, 3, 3 → mean 2.25, variance (5.0625 + 3·0.5625) / 4 = 1.6875, sd 1.299… → 1.30
        assertThat(stats.get(0).mean()).isEqualByComparingTo("7.00");
        assertThat(stats.get(0).stdDev()).isEqualByComparingTo("3.00");
        assertThat(stats.get(1).mean()).isEqualByComparingTo("2.25");
        assertThat(stats.get(1).stdDev()).isEqualByComparingTo("1.30");
        assertThat(stats.get(1).maxScore()).isEqualByComparingTo("3");
        assertThat(stats.get(1).min()).isEqualByComparingTo("0");
        assertThat(stats.get(1).max()).isEqualByComparingTo("3");
    }

    @Test
    void noResultsNoStatistics() {
        assertThat(ResultService.summarise(List.of())).isEmpty();
    }

    @Test
    void csvFieldsAreQuotedAndFormulasNeutralised() {
        assertThat(ResultService.csvField("s1")).isEqualTo("s1");
        assertThat(ResultService.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(ResultService.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ResultService.csvField("=1+1")).isEqualTo("'=1+1");
        assertThat(ResultService.csvField(null)).isEmpty();
    }

    private static ScoreBucket bucket(int question, String maxScore, String score, long count) {
        return new ScoreBucket(question, new BigDecimal(maxScore), new BigDecimal(score), count);
    }
}
