package io.zhiyue.grading.marking;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/** Every expected figure here is worked out by hand in the comment next to it. */
class QualityFiguresTest {

    private static final double EPS = 1e-12;

    /**
     * Ten checks (AI, human) in categories 0, 1, 2:
     * <pre>
     *             human 0  human 1  human 2 | AI row
     *   AI 0         2        0        1    |   3
     *   AI 1         1        3        0    |   4
     *   AI 2         0        2        1    |   3
     *   human col    3        5        2    |  10
     * </pre>
     */
    private static List<int[]> threeCategories() {
        List<int[]> pairs = new ArrayList<>();
        add(pairs, 0, 0, 2);
        add(pairs, 1, 1, 3);
        add(pairs, 2, 2, 1);
        add(pairs, 1, 0, 1);
        add(pairs, 2, 1, 2);
        add(pairs, 0, 2, 1);
        return pairs;
    }

    @Nested
    class ThreeCategories {

        @Test
        void onAOnePointStep() {
            // Weights (i − j)² / (3 − 1)²: 1/4 one apart, 4/4 two apart.
            // Observed Σw·O = [1/4·(1 + 2) + 1·1] / 10 = (3/4 + 1) / 10 = 7/40
            //   (1/4 for the cells (1,0) ×1 and (2,1) ×2; 1 for (0,2) ×1)
            // Chance Σw·E = Σ w_ij·row_i·col_j / 100:
            //   one apart: (0,1) 3·5 + (1,0) 4·3 + (1,2) 4·2 + (2,1) 3·5 = 15 + 12 + 8 + 15 = 50 → 50/4
            //   two apart: (0,2) 3·2 + (2,0) 3·3 = 6 + 9 = 15 → 15
            //   (50/4 + 15) / 100 = 27.5 / 100 = 11/40
            // κ = 1 − (7/40) / (11/40) = 1 − 7/11 = 4/11 ≈ 0.3636
            // Exact: 2 + 3 + 1 = 6 of 10. Adjacent (|d| ≤ max(1, 1) = 1): all but (0,2) → 9 of 10.
            // Bias: (1,0) +1, (2,1) +1 ×2, (0,2) −2 → (1 + 2 − 2) / 10 = 0.1
            QualityFigures figures = figures("2", "1", threeCategories());

            assertThat(figures.count()).isEqualTo(10);
            assertThat(figures.kappa()).isCloseTo(4.0 / 11, within(EPS));
            assertThat(figures.exactAgreement()).isCloseTo(0.6, within(EPS));
            assertThat(figures.adjacentAgreement()).isCloseTo(0.9, within(EPS));
            assertThat(figures.bias()).isCloseTo(0.1, within(EPS));
        }

        @Test
        void onAHalfPointStepAdjacentMeansWithinOnePoint() {
            // Same categories as scores 0, 0.5, 1: κ is the same 4/11; adjacency is |d| ≤ max(1, 0.5) = 1
            // point, so even (0, 1) — two steps apart — is adjacent → 10 of 10.
            // Bias in points: (0.5 + 2·0.5 − 1) / 10 = 0.05
            QualityFigures figures = figures("1", "0.5", threeCategories());

            assertThat(figures.kappa()).isCloseTo(4.0 / 11, within(EPS));
            assertThat(figures.exactAgreement()).isCloseTo(0.6, within(EPS));
            assertThat(figures.adjacentAgreement()).isCloseTo(1.0, within(EPS));
            assertThat(figures.bias()).isCloseTo(0.05, within(EPS));
        }

        @Test
        void onATwoPointStepAdjacentMeansOneStep() {
            // Scores 0, 2, 4: adjacency is |d| ≤ max(1, 2) = 2, so (0, 4) is not → 9 of 10.
            // Bias: (2 + 2·2 − 4) / 10 = 0.2
            QualityFigures figures = figures("4", "2", threeCategories());

            assertThat(figures.kappa()).isCloseTo(4.0 / 11, within(EPS));
            assertThat(figures.adjacentAgreement()).isCloseTo(0.9, within(EPS));
            assertThat(figures.bias()).isCloseTo(0.2, within(EPS));
        }

        @Test
        void theOrderOfTheChecksDoesNotMatter() {
            List<int[]> shuffled = threeCategories();
            Collections.reverse(shuffled);

            assertThat(figures("2", "1", shuffled)).isEqualTo(figures("2", "1", threeCategories()));
        }
    }

    @Nested
    class Kappa {

        @Test
        void twoCategoriesGiveCohensKappa() {
            // 50 checks: (1,1) 20, (1,0) 5, (0,1) 10, (0,0) 15. With two categories the weights are 0/1.
            // p_o = 35/50 = 0.7; AI says 1 in 25/50 = 0.5, human in 30/50 = 0.6
            // p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
            // Bias: (5 − 10) / 50 = −0.1
            List<int[]> pairs = new ArrayList<>();
            add(pairs, 1, 1, 20);
            add(pairs, 1, 0, 5);
            add(pairs, 0, 1, 10);
            add(pairs, 0, 0, 15);

            QualityFigures figures = figures("1", "1", pairs);

            assertThat(figures.kappa()).isCloseTo(0.4, within(EPS));
            assertThat(figures.exactAgreement()).isCloseTo(0.7, within(EPS));
            assertThat(figures.bias()).isCloseTo(-0.1, within(EPS));
        }

        @Test
        void systematicDisagreementIsMinusOne() {
            // (0,1), (1,0): Σw·O = (1 + 1) / 2 = 1; marginals ½, ½ on both sides → Σw·E = ¼ + ¼ = ½
            // κ = 1 − 1 / ½ = −1
            assertThat(kappa("1", "1", List.of(new int[] {0, 1}, new int[] {1, 0}))).isCloseTo(-1.0, within(EPS));
        }

        @Test
        void perfectAgreementAcrossCategoriesIsOne() {
            // Σw·O = 0, Σw·E > 0 → κ = 1
            assertThat(kappa("2", "1", List.of(new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 2})))
                    .isCloseTo(1.0, within(EPS));
        }

        @Test
        void everyCheckInOneAndTheSameCategoryIsDefinedAsOne() {
            // Σw·E = 0 (both marginals all on category 2): kappa undefined, defined as 1 since Σw·O = 0 too.
            List<int[]> pairs = new ArrayList<>();
            add(pairs, 2, 2, 5);

            assertThat(kappa("2", "1", pairs)).isEqualTo(1.0);
        }

        @Test
        void aConstantAiAgainstAConstantButDifferentHumanIsZero() {
            // All (2,1): Σw·O = 1/4 and Σw·E = 1·1·1/4 = 1/4 → κ = 1 − 1 = 0: no better than chance.
            List<int[]> pairs = new ArrayList<>();
            add(pairs, 2, 1, 4);

            assertThat(kappa("2", "1", pairs)).isCloseTo(0.0, within(EPS));
        }

        @Test
        void quadraticWeightsPunishFarMissesMoreThanNearOnes() {
            // Two tables with the same marginals (each side 0, 0, 1, 1, 2, 2) and two misses each:
            //   near = (0,0) (1,1) (2,1) (1,2) (0,0) (2,2): both misses one apart → Σ(a − h)² = 1 + 1 = 2
            //   far  = (0,0) (1,1) (2,0) (0,2) (1,1) (2,2): both misses two apart → Σ(a − h)² = 4 + 4 = 8
            // Closed form with n = 6, categories a and h:
            //   Σa = Σh = 0+0+1+1+2+2 = 6, Σa² = Σh² = 0+0+1+1+4+4 = 10
            //   chance·n² = n·Σa² + n·Σh² − 2·Σa·Σh = 60 + 60 − 72 = 48 for both
            //   near: observed·n² = n·Σ(a − h)² = 6·2 = 12 → κ = 1 − 12/48 = 0.75
            //   far:  observed·n² = 6·8 = 48 → κ = 1 − 48/48 = 0
            List<int[]> near = List.of(new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 1}, new int[] {1, 2},
                    new int[] {0, 0}, new int[] {2, 2});
            List<int[]> far = List.of(new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 0}, new int[] {0, 2},
                    new int[] {1, 1}, new int[] {2, 2});

            assertThat(kappa("2", "1", near)).isCloseTo(0.75, within(EPS));
            assertThat(kappa("2", "1", far)).isCloseTo(0.0, within(EPS));
        }

        @Test
        void aScoreOffTheScaleIsRefused() {
            ScoreScale scale = new ScoreScale(dec("10"), dec("0.5"));
            List<BlindCheck> checks = List.of(new BlindCheck(dec("5"), dec("5")), new BlindCheck(dec("6.25"), dec("6")));

            assertThatIllegalArgumentException()
                    .isThrownBy(() -> QualityFigures.of(scale, checks, DecisionCounts.NONE))
                    .withMessageContaining("blind check 1").withMessageContaining("6.25");
        }
    }

    @Nested
    class Rates {

        @Test
        void autoAcceptAndOverrideRatesComeFromTheCounts() {
            // 150 of 200 proposals auto-accepted = 0.75; 10 of 40 person-decided proposals overridden = 0.25
            QualityFigures figures = QualityFigures.of(new ScoreScale(dec("10"), dec("1")), List.of(),
                    new DecisionCounts(200, 150, 40, 10));

            assertThat(figures.autoAcceptRate()).isCloseTo(0.75, within(EPS));
            assertThat(figures.overrideRate()).isCloseTo(0.25, within(EPS));
        }

        @Test
        void nothingToDivideByIsNullNotZero() {
            QualityFigures figures = QualityFigures.of(new ScoreScale(dec("10"), dec("1")), List.of(),
                    DecisionCounts.NONE);

            assertThat(figures.count()).isZero();
            assertThat(figures.kappa()).isNull();
            assertThat(figures.exactAgreement()).isNull();
            assertThat(figures.adjacentAgreement()).isNull();
            assertThat(figures.bias()).isNull();
            assertThat(figures.autoAcceptRate()).isNull();
            assertThat(figures.overrideRate()).isNull();
            assertThat(figures.shouldStopAutoAccept()).isFalse();
        }

        @Test
        void countsThatCannotBeAreRefused() {
            assertThatIllegalArgumentException().isThrownBy(() -> new DecisionCounts(10, 11, 0, 0));
            assertThatIllegalArgumentException().isThrownBy(() -> new DecisionCounts(10, 5, 3, 4));
            assertThatIllegalArgumentException().isThrownBy(() -> new DecisionCounts(-1, 0, 0, 0));
        }
    }

    @Nested
    class AutoAcceptAlert {

        @Test
        void ninetyPercentOverThirtyIsStillFine() {
            // 27 of 30 adjacent = 0.90, not under 0.90
            assertThat(withAdjacent(30, 27).adjacentAgreement()).isEqualTo(0.9);
            assertThat(withAdjacent(30, 27).shouldStopAutoAccept()).isFalse();
        }

        @Test
        void underNinetyPercentOverThirtyStopsAutoAccept() {
            // 26 of 30 = 0.8667
            assertThat(withAdjacent(30, 26).shouldStopAutoAccept()).isTrue();
        }

        @Test
        void underNinetyPercentOverMoreThanThirtyStopsAutoAccept() {
            // 35 of 40 = 0.875
            assertThat(withAdjacent(40, 35).shouldStopAutoAccept()).isTrue();
        }

        @Test
        void fewerThanThirtyChecksNeverStopAutoAcceptHoweverBad() {
            assertThat(withAdjacent(29, 0).shouldStopAutoAccept()).isFalse();
        }

        /** {@code total} checks on a 10-point scale, {@code adjacent} of them one point apart, the rest five. */
        private QualityFigures withAdjacent(int total, int adjacent) {
            List<BlindCheck> checks = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                checks.add(new BlindCheck(dec(i < adjacent ? "6" : "10"), dec("5")));
            }
            return QualityFigures.of(new ScoreScale(dec("10"), dec("1")), checks, DecisionCounts.NONE);
        }
    }

    private static QualityFigures figures(String max, String step, List<int[]> categoryPairs) {
        BigDecimal stepValue = dec(step);
        List<BlindCheck> checks = categoryPairs.stream()
                .map(pair -> new BlindCheck(stepValue.multiply(BigDecimal.valueOf(pair[0])),
                        stepValue.multiply(BigDecimal.valueOf(pair[1]))))
                .toList();
        return QualityFigures.of(new ScoreScale(dec(max), stepValue), checks, DecisionCounts.NONE);
    }

    private static Double kappa(String max, String step, List<int[]> categoryPairs) {
        return figures(max, step, categoryPairs).kappa();
    }

    private static void add(List<int[]> pairs, int ai, int human, int times) {
        for (int i = 0; i < times; i++) {
            pairs.add(new int[] {ai, human});
        }
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
