package io.zhiyue.grading.evaluation;

import io.zhiyue.grading.evaluation.EvaluationFigures.Scored;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The evaluation's arithmetic against figures worked out by hand. */
class EvaluationFiguresTest {

    @Test
    void figuresOfFourProposals() {
        // teacher categories 2 3 0 1, proposals 2 2 2 1: Σa 6, Σb 7, Σa² 14, Σb² 13, Σ(a−b)² 5;
        // observed 4·5 = 20, chance 4·14 + 4·13 − 2·6·7 = 24, kappa 1 − 20/24 = 1/6
        List<Scored> scored = List.of(new Scored(2, 2, 0.95), new Scored(3, 2, 0.92), new Scored(0, 2, 0.5),
                new Scored(1, 1, 0.3));

        EvaluationFigures figures = EvaluationFigures.of(scored, 1, 0.9);

        assertThat(figures.proposals()).isEqualTo(4);
        assertThat(figures.kappa()).isCloseTo(1.0 / 6, offset(1e-12));
        assertThat(figures.autoAcceptRate()).isEqualTo(0.5);
        assertThat(figures.acceptedExact()).isEqualTo(0.5);
        assertThat(figures.acceptedAdjacent()).isEqualTo(1.0);
        // 30 % of 4 rounds to 1: the 0.95 one, right; 50 %: the 0.95 and 0.92 ones, one right
        assertThat(figures.top30Exact()).isEqualTo(1.0);
        assertThat(figures.top50Exact()).isEqualTo(0.5);
        assertThat(figures.exact()).isEqualTo(0.5);
        assertThat(figures.meanConfidence()).isCloseTo((0.95 + 0.92 + 0.5 + 0.3) / 4, offset(1e-12));
    }

    @Test
    void nothingAcceptedLeavesTheAcceptedSharesUndefined() {
        EvaluationFigures figures = EvaluationFigures.of(List.of(new Scored(1, 1, 0.2)), 1, 0.9);

        assertThat(figures.autoAcceptRate()).isZero();
        assertThat(figures.acceptedExact()).isNull();
        assertThat(figures.acceptedAdjacent()).isNull();
    }

    @Test
    void adjacentMeansWithinOnePointEvenOnHalfSteps() {
        List<Scored> scored = List.of(new Scored(2, 3, 1), new Scored(2, 3.5, 1), new Scored(2, 1.5, 1));

        EvaluationFigures figures = EvaluationFigures.of(scored, 0.5, 0.9);

        assertThat(figures.acceptedAdjacent()).isCloseTo(2.0 / 3, offset(1e-12));
        assertThat(figures.acceptedExact()).isZero();
    }

    @Test
    void theBaselineIsTheSimilarityWeightedMeanRoundedToTheStep() {
        // cosines to (1,0): 1, 0.6, 0 → (1·2 + 0.6·4 + 0·0) / 1.6 = 2.75 → 3, which no neighbour gave
        PlainKnn knn = new PlainKnn(List.of(new float[] {1, 0}, new float[] {0.6f, 0.8f}, new float[] {0, 1}),
                new double[] {2, 4, 0}, 1);

        PlainKnn.Proposal first = knn.propose(new float[] {1, 0});
        assertThat(first.score()).isEqualTo(3);
        assertThat(first.confidence()).isZero();

        // cosines to (0.6,0.8): 0.6, 1, 0.8 → (1.2 + 4 + 0) / 2.4 = 2.17 → 2, given by the 0.6 one: 0.6 / 2.4
        PlainKnn.Proposal second = knn.propose(new float[] {0.6f, 0.8f});
        assertThat(second.score()).isEqualTo(2);
        assertThat(second.confidence()).isCloseTo(0.25, offset(1e-6));
    }
}
