package io.zhiyue.grading.grader;

import io.zhiyue.grading.grader.ExemplarGrader.Calibration;
import io.zhiyue.grading.grader.ExemplarGrader.Exemplar;
import io.zhiyue.grading.grader.ExemplarGrader.Proposal;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/** The exemplar grader's vote, certainty and calibration against values worked out by hand. */
class ExemplarGraderTest {

    /** A unit vector at {@code degrees} in the plane. */
    private static float[] at(double degrees) {
        double radians = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(radians), (float) Math.sin(radians)};
    }

    @Test
    void needsFiveTeacherMarks() {
        List<Exemplar> four = List.of(new Exemplar(at(0), 1), new Exemplar(at(1), 1), new Exemplar(at(2), 1),
                new Exemplar(at(3), 1));

        assertThatThrownBy(() -> ExemplarGrader.fit(four)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 5");
    }

    @Test
    void theNearestMarksOutvoteTheFarOnesAndTheScoreIsOneATeacherGave() {
        // a cluster of 2s right at the answer, a cluster of 0s 25° away (cosine 0.906, weight
        // exp((0.906 − 1)/0.05) = 0.15 each): a similarity-weighted mean would say 1, which nobody gave
        List<Exemplar> exemplars = List.of(new Exemplar(at(0), 2), new Exemplar(at(1), 2), new Exemplar(at(2), 2),
                new Exemplar(at(25), 0), new Exemplar(at(26), 0), new Exemplar(at(27), 0), new Exemplar(at(28), 0));
        ExemplarGrader grader = ExemplarGrader.fit(exemplars);

        Proposal proposal = grader.propose(at(0));

        assertThat(proposal.score()).isEqualTo(2);
        assertThat(proposal.nearest()).isCloseTo(1.0, offset(1e-6));
        // the 2s weigh exp(0), exp((cos 1° − 1)/0.05), exp((cos 2° − 1)/0.05); the 0s the rest
        double twos = 0;
        double all = 0;
        for (int degrees : new int[] {0, 1, 2, 25, 26, 27, 28}) {
            double weight = Math.exp((Math.cos(Math.toRadians(degrees)) - 1) / 0.05);
            all += weight;
            twos += degrees <= 2 ? weight : 0;
        }
        assertThat(proposal.certainty()).isCloseTo(twos / all, offset(1e-6));
        assertThat(grader.exemplars()).isEqualTo(7);
    }

    @Test
    void aFarAwayAnswerGetsNoCertaintyHoweverTheMarksAgree() {
        List<Exemplar> exemplars = new ArrayList<>();
        for (int degrees = 0; degrees < 6; degrees++) {
            exemplars.add(new Exemplar(at(degrees), 3));
        }
        ExemplarGrader grader = ExemplarGrader.fit(exemplars);

        // 70° from the nearest mark: cosine 0.34, below the 0.5 at which closeness starts
        assertThat(grader.propose(at(75)).certainty()).isZero();
        assertThat(grader.propose(at(75)).score()).isEqualTo(3);
    }

    @Test
    void onlyTheSevenNearestVoteHoweverTheMarksAreOrdered() {
        // three 2s at 0–2°, seven 0s at 60–66°, shuffled: the voters are the 2s and the 0s at 60–63°
        List<Exemplar> exemplars = new ArrayList<>();
        for (int degrees : new int[] {64, 1, 60, 66, 0, 62, 65, 2, 61, 63}) {
            exemplars.add(new Exemplar(at(degrees), degrees < 10 ? 2 : 0));
        }
        Proposal proposal = ExemplarGrader.fit(exemplars).propose(at(0));

        double twos = 0;
        double all = 0;
        for (int degrees : new int[] {0, 1, 2, 60, 61, 62, 63}) {
            double weight = Math.exp((Math.cos(Math.toRadians(degrees)) - 1) / 0.05);
            all += weight;
            twos += degrees <= 2 ? weight : 0;
        }
        assertThat(proposal.score()).isEqualTo(2);
        assertThat(proposal.certainty()).isCloseTo(twos / all, offset(1e-6));
    }

    @Test
    void anAnswerUnlikeEveryMarkedOneIsNeverConfidentHoweverWellTheMarksDid() {
        // ten 4s at 0–9°, ten 0s at 40–49°: leave-one-out gets all twenty right at certainty ≈ 1
        List<Exemplar> exemplars = new ArrayList<>();
        for (int degrees = 0; degrees < 10; degrees++) {
            exemplars.add(new Exemplar(at(degrees), 4));
            exemplars.add(new Exemplar(at(40 + degrees), 0));
        }
        ExemplarGrader grader = ExemplarGrader.fit(exemplars);

        assertThat(grader.propose(at(5)).confidence()).as("among the 4s").isCloseTo(21.0 / 23, offset(1e-12));
        // 150° away: certainty 0, the anchor's block; half-way between the clusters: below every
        // certainty the marks showed, the same
        assertThat(grader.propose(at(150)).confidence()).isCloseTo(0.25, offset(1e-12));
        assertThat(grader.propose(at(25)).confidence()).isCloseTo(0.25, offset(1e-12));
    }

    @Test
    void equalCertaintiesArePooledWhateverTheirOrder() {
        // five right and one wrong at certainty 1: one block of 5/6 → (5 + 1) / (6 + 3), in any order
        double[][] wrongInTheMiddle = {{1, 1}, {1, 1}, {1, 1}, {1, 0}, {1, 1}, {1, 1}};
        double[][] wrongFirst = {{1, 0}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}};

        assertThat(Calibration.isotonic(wrongInTheMiddle).confidence(1)).isCloseTo(6.0 / 9, offset(1e-12));
        assertThat(Calibration.isotonic(wrongFirst).confidence(1)).isCloseTo(6.0 / 9, offset(1e-12));
    }

    @Test
    void isotonicCalibrationPoolsViolatorsAndSmoothsEachBlock() {
        // (certainty, right): 0.1 ✗, 0.2 ✓, 0.3 ✗, 0.4 ✓, 0.5 ✓ → blocks [0.1: 0/1] [0.2: 1/2] [0.4: 2/2];
        // smoothed (right + 1) / (count + 3): 1/4, 2/5, 3/5 (already non-decreasing)
        Calibration calibration = Calibration.isotonic(new double[][] {
                {0.3, 0}, {0.1, 0}, {0.5, 1}, {0.2, 1}, {0.4, 1}});

        assertThat(calibration.from()).containsExactly(0.1, 0.2, 0.4);
        assertThat(calibration.confidence(0.05)).isCloseTo(0.25, offset(1e-12));
        assertThat(calibration.confidence(0.25)).isCloseTo(0.4, offset(1e-12));
        assertThat(calibration.confidence(0.45)).isCloseTo(0.6, offset(1e-12));
        assertThat(calibration.confidence(0.99)).isCloseTo(0.6, offset(1e-12));
    }

    @Test
    void aSmallBlockNeverPromisesMoreThanTheBigOneAboveIt() {
        // 0.1 ✗, then ten at 0.2 with the first right: pooled into [0.1: 0/1] [0.2: 1/10], which
        // smooth to 1/4 and 2/13; the lower block is cut down to 2/13
        double[][] observed = new double[11][];
        observed[0] = new double[] {0.1, 0};
        for (int i = 1; i <= 10; i++) {
            observed[i] = new double[] {0.2, i == 1 ? 1 : 0};
        }
        Calibration calibration = Calibration.isotonic(observed);

        assertThat(calibration.confidence(0.1)).isCloseTo(2.0 / 13, offset(1e-12));
        assertThat(calibration.confidence(0.3)).isCloseTo(2.0 / 13, offset(1e-12));
    }

    @Test
    void fiveMarksThatAgreeAreThreeQuartersSureNeverCertain() {
        List<Exemplar> exemplars = new ArrayList<>();
        for (int degrees = 0; degrees < 5; degrees++) {
            exemplars.add(new Exemplar(at(degrees), 4));
        }
        // leave-one-out proposes 4 for each of the five, all right, all at certainty 1 → (5 + 1) / (5 + 3)
        assertThat(ExemplarGrader.fit(exemplars).propose(at(2)).confidence()).isCloseTo(0.75, offset(1e-12));
    }

    @Test
    void agreeingGradersKeepTheHigherConfidenceAndDisagreeingOnesLoseIt() {
        Proposal exemplar = new Proposal(4, 0.9, 0.857, 0.95);
        GradeResult ruleAgrees = new GradeResult(RuleBasedGrader.ID, new BigDecimal("4"), new BigDecimal("6"),
                new BigDecimal("0.95"), List.of());
        GradeResult ruleDisagrees = new GradeResult(RuleBasedGrader.ID, new BigDecimal("1"), new BigDecimal("6"),
                new BigDecimal("1.00"), List.of());

        GradeResult agreed = ProposalBlend.of(exemplar, null, ruleAgrees, new BigDecimal("6"));
        assertThat(agreed.graderId()).isEqualTo(ProposalBlend.BOTH);
        assertThat(agreed.score()).isEqualByComparingTo("4");
        assertThat(agreed.confidence()).isEqualByComparingTo("0.95");

        // three apart on a six-point question: min(0.85, 1.00) × (1 − 3/6) = 0.425 → 0.42; the rule is surer
        GradeResult disagreed = ProposalBlend.of(exemplar, null, ruleDisagrees, new BigDecimal("6"));
        assertThat(disagreed.score()).isEqualByComparingTo("1");
        assertThat(disagreed.confidence()).isEqualByComparingTo("0.42");

        // the exemplar grader is the surer one: its score, the doubt the same
        Proposal sure = new Proposal(4, 1, 0.95, 0.99);
        GradeResult unsureRule = new GradeResult(RuleBasedGrader.ID, new BigDecimal("1"), new BigDecimal("6"),
                new BigDecimal("0.50"), List.of());
        GradeResult exemplarWins = ProposalBlend.of(sure, null, unsureRule, new BigDecimal("6"));
        assertThat(exemplarWins.graderId()).isEqualTo(ProposalBlend.BOTH);
        assertThat(exemplarWins.score()).isEqualByComparingTo("4");
        assertThat(exemplarWins.confidence()).isEqualByComparingTo("0.25");

        GradeResult alone = ProposalBlend.of(exemplar, null, null, new BigDecimal("6"));
        assertThat(alone.graderId()).isEqualTo(ExemplarGrader.ID);
        assertThat(alone.confidence()).isEqualByComparingTo("0.85");
        assertThat(alone.points()).isEmpty();
    }
}
