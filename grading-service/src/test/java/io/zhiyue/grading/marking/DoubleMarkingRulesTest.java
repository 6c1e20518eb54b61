package io.zhiyue.grading.marking;

import io.zhiyue.shared.error.ErrorCode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import static io.zhiyue.grading.marking.ReviewState.ARBITRATION;
import static io.zhiyue.grading.marking.ReviewState.RESOLVED;
import static io.zhiyue.grading.marking.ReviewState.SECOND_MARK;
import static io.zhiyue.grading.marking.ReviewState.THIRD_MARK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every branch of DESIGN.md's double marking and arbitration, on a 10-point question in steps of 0.5. */
class DoubleMarkingRulesTest {

    private static final OffsetDateTime T0 = OffsetDateTime.parse("2026-06-08T09:00:00+08:00");
    private static final ScoreScale SCALE = new ScoreScale(dec("10"), dec("0.5"));

    private final DoubleMarkingRules rules = new DoubleMarkingRules(SCALE, dec("2"));

    @Nested
    class FirstRound {

        @Test
        void anUnmarkedItemAwaitsTwoMarksFromAnyMarker() {
            Review review = rules.review(List.of());

            assertThat(review.state()).isEqualTo(SECOND_MARK);
            assertThat(review.marksNeeded()).isEqualTo(2);
            assertThat(review.nextMark()).isEqualTo(Review.NextMark.NEW_MARKER);
            assertThat(review.finalScore()).isNull();
        }

        @Test
        void oneHumanMarkWithoutProposalStillAwaitsTheSecond() {
            Review review = rules.review(List.of(human("m1", "6")));

            assertThat(review.state()).isEqualTo(SECOND_MARK);
            assertThat(review.marksNeeded()).isEqualTo(1);
            assertThat(review.finalScore()).isNull();
        }

        @Test
        void twoHumanMarksWithinToleranceResolveToTheirMean() {
            Review review = rules.review(List.of(human("m1", "6"), human("m2", "7")));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("6.5");
            assertThat(review.nextMark()).isEqualTo(Review.NextMark.NONE);
            assertThat(review.marksNeeded()).isZero();
        }

        @Test
        void marksExactlyAtTheToleranceAreWithinIt() {
            // |5 − 7| = 2 = tolerance → mean 6
            Review review = rules.review(List.of(human("m1", "5"), human("m2", "7")));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("6");
        }

        @Test
        void marksJustBeyondTheToleranceNeedAThirdMark() {
            // |5 − 7.5| = 2.5 > 2
            Review review = rules.review(List.of(human("m1", "5"), human("m2", "7.5")));

            assertThat(review.state()).isEqualTo(THIRD_MARK);
            assertThat(review.finalScore()).isNull();
            assertThat(review.nextMark()).isEqualTo(Review.NextMark.NEW_MARKER);
            assertThat(review.marksNeeded()).isEqualTo(1);
        }

        @Test
        void theMeanIsRoundedDownToTheHalfPointStep() {
            // (7 + 7.5) / 2 = 7.25 → 7, not 7.5 (nearest) and not 7.25 (off the step)
            Review review = rules.review(List.of(human("m1", "7"), human("m2", "7.5")));

            assertThat(review.finalScore()).isEqualByComparingTo("7");
        }

        @Test
        void aZeroToleranceNeedsIdenticalMarks() {
            DoubleMarkingRules strict = new DoubleMarkingRules(SCALE, BigDecimal.ZERO);

            assertThat(strict.review(List.of(human("m1", "4"), human("m2", "4"))).finalScore())
                    .isEqualByComparingTo("4");
            assertThat(strict.review(List.of(human("m1", "4"), human("m2", "4.5"))).state()).isEqualTo(THIRD_MARK);
        }
    }

    @Nested
    class AiProposalAsFirstMark {

        @Test
        void theProposalIsTheFirstMarkSoOnePersonCompletesTheRound() {
            Review review = rules.review(List.of(ai("6")));

            assertThat(review.state()).isEqualTo(SECOND_MARK);
            assertThat(review.marksNeeded()).isEqualTo(1);
        }

        @Test
        void proposalAndHumanWithinToleranceResolveToTheirMeanRoundedDown() {
            // (6 + 7.5) / 2 = 6.75 → 6.5
            Review review = rules.review(List.of(ai("6"), human("m1", "7.5")));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("6.5");
        }

        @Test
        void proposalAndHumanApartNeedAThirdMarkByAPerson() {
            Review review = rules.review(List.of(ai("9"), human("m1", "3"), human("m2", "4")));

            // third 4: 1 from 3, 5 from 9 → pair (3, 4) → 3.5
            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("3.5");
        }

        @Test
        void aProposalAfterAHumanMarkIsRefused() {
            Review review = rules.review(List.of(human("m1", "6")));

            MarkRefusedException e = refused(review, ai("6"));

            assertThat(e.refusal()).isEqualTo(MarkRefusal.AI_NOT_FIRST);
            assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE);
        }

        @Test
        void anAiCannotBeTheThirdMarker() {
            Review review = rules.review(List.of(ai("1"), human("m1", "9")));

            assertThat(refused(review, Mark.ai("llm-v2", dec("5"), T0)).refusal()).isEqualTo(MarkRefusal.AI_NOT_FIRST);
        }

        @Test
        void anAiIsNeverAChief() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Mark("rule-based-v1", MarkerKind.AI, dec("5"), true, T0));
        }
    }

    @Nested
    class ThirdMark {

        // First round 2 and 8: |2 − 8| = 6 > 2.
        private final Review apart = rules.review(List.of(human("m1", "2"), human("m2", "8")));

        @Test
        void nearOneResolvesToTheMeanOfThatPair() {
            // 7: 5 from 2, 1 from 8 → (7 + 8) / 2 = 7.5
            Review review = rules.accept(apart, human("m3", "7"));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("7.5");
        }

        @Test
        void nearTheLowerOneResolvesDownThere() {
            // 3.5: 1.5 from 2, 4.5 from 8 → (2 + 3.5) / 2 = 2.75 → 2.5
            Review review = rules.accept(apart, human("m3", "3.5"));

            assertThat(review.finalScore()).isEqualByComparingTo("2.5");
        }

        @Test
        void nearBothTakesTheCloserPairNotTheFirstWithinTolerance() {
            // 4 and 7 are 3 apart; third 5 is 1 from 4 and 2 from 7, both within 2
            Review review = rules.review(List.of(human("m1", "4"), human("m2", "7"), human("m3", "5")));

            // both within 2; the closer pair is (4, 5) → 4.5, not (5, 7) → 6
            assertThat(review.finalScore()).isEqualByComparingTo("4.5");
        }

        @Test
        void nearBothTakesTheCloserPairWhenItIsTheSecond() {
            // 4, 7, third 6: 2 from 4, 1 from 7, both within 2 → (6 + 7) / 2 = 6.5
            Review review = rules.review(List.of(human("m1", "4"), human("m2", "7"), human("m3", "6")));

            assertThat(review.finalScore()).isEqualByComparingTo("6.5");
        }

        @Test
        void exactlyMidwayWithinToleranceTakesThePairWithTheHigherMean() {
            // 4, 8, third 6: 2 from each, both at the tolerance → (6 + 8) / 2 = 7, not (4 + 6) / 2 = 5
            Review review = rules.review(List.of(human("m1", "4"), human("m2", "8"), human("m3", "6")));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("7");
        }

        @Test
        void exactlyMidwayWhenTheFirstMarkIsTheHigherTakesTheFirst() {
            // 8, 4, third 6 → (8 + 6) / 2 = 7: the higher partner, whichever position it holds
            Review review = rules.review(List.of(human("m1", "8"), human("m2", "4"), human("m3", "6")));

            assertThat(review.finalScore()).isEqualByComparingTo("7");
        }

        @Test
        void farFromBothGoesToArbitration() {
            // 5: 3 from 2, 3 from 8, both beyond 2
            Review review = rules.accept(apart, human("m3", "5"));

            assertThat(review.state()).isEqualTo(ARBITRATION);
            assertThat(review.finalScore()).isNull();
            assertThat(review.nextMark()).isEqualTo(Review.NextMark.NEW_CHIEF);
            assertThat(review.marksNeeded()).isEqualTo(1);
        }

        @Test
        void justBeyondTheToleranceOfTheNearerGoesToArbitration() {
            // 5.5: 2.5 from 8, 3.5 from 2
            assertThat(rules.accept(apart, human("m3", "5.5")).state()).isEqualTo(ARBITRATION);
        }

        @Test
        void aChiefMayGiveTheThirdMarkAsAnOrdinaryMark() {
            Review review = rules.accept(apart, chief("c1", "7"));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("7.5");
        }
    }

    @Nested
    class Arbitration {

        private final Review arbitration = rules.review(List.of(human("m1", "2"), human("m2", "8"), human("m3", "5")));

        @Test
        void theChiefsScoreIsFinalAsGiven() {
            Review review = rules.accept(arbitration, chief("c1", "9.5"));

            assertThat(review.state()).isEqualTo(RESOLVED);
            assertThat(review.finalScore()).isEqualByComparingTo("9.5");
            assertThat(review.marks()).extracting(Mark::markerId).containsExactly("m1", "m2", "m3", "c1");
        }

        @Test
        void aNonChiefMarkIsRefusedAndTheItemStaysInArbitration() {
            MarkRefusedException e = refused(arbitration, human("m4", "5"));

            assertThat(e.refusal()).isEqualTo(MarkRefusal.CHIEF_REQUIRED);
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHORIZATION_ERROR);
            assertThat(e.code().status()).isEqualTo(403);
            assertThat(e.getMessage()).contains("ARBITRATION").contains("m4");
            assertThat(arbitration.state()).isEqualTo(ARBITRATION);
            assertThat(arbitration.awaits("m4", false)).isFalse();
            assertThat(arbitration.awaits("c1", true)).isTrue();
        }

        @Test
        void aChiefWhoAlreadyMarkedTheItemCannotArbitrateIt() {
            Review withChiefAsThird = rules.review(List.of(human("m1", "2"), human("m2", "8"), chief("c1", "5")));

            assertThat(withChiefAsThird.state()).isEqualTo(ARBITRATION);
            assertThat(refused(withChiefAsThird, chief("c1", "6")).refusal()).isEqualTo(MarkRefusal.ALREADY_MARKED);
            assertThat(rules.accept(withChiefAsThird, chief("c2", "6")).finalScore()).isEqualByComparingTo("6");
        }

        @Test
        void theChiefsScoreMustBeOnTheScale() {
            InvalidScoreException e = catchThrowableOfType(InvalidScoreException.class,
                    () -> rules.accept(arbitration, chief("c1", "5.25")));

            assertThat(e).isNotNull();
            assertThat(e.violation()).isEqualTo(ScoreViolation.OFF_STEP);
        }
    }

    @Nested
    class Refusals {

        @Test
        void theSameMarkerCannotMarkTwiceInTheFirstRound() {
            Review review = rules.review(List.of(human("m1", "6")));

            MarkRefusedException e = refused(review, human("m1", "7"));

            assertThat(e.refusal()).isEqualTo(MarkRefusal.ALREADY_MARKED);
            assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_RECORD);
            assertThat(e.getMessage()).contains("m1");
            assertThat(review.awaits("m1", false)).isFalse();
            assertThat(review.awaits("m2", false)).isTrue();
        }

        @Test
        void aFirstRoundMarkerCannotGiveTheThirdMark() {
            Review review = rules.review(List.of(human("m1", "2"), human("m2", "8")));

            assertThat(refused(review, human("m2", "8")).refusal()).isEqualTo(MarkRefusal.ALREADY_MARKED);
        }

        @Test
        void aMarkAfterResolvedIsRefused() {
            Review review = rules.review(List.of(human("m1", "6"), human("m2", "7")));

            MarkRefusedException e = refused(review, chief("c1", "10"));

            assertThat(e.refusal()).isEqualTo(MarkRefusal.ITEM_RESOLVED);
            assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE);
            assertThat(e.getMessage()).contains("RESOLVED").contains("6.5");
            assertThat(review.awaits("c1", true)).isFalse();
        }

        @Test
        void resolvedWinsOverTheOtherRefusals() {
            Review review = rules.review(List.of(human("m1", "6"), human("m2", "7")));

            assertThat(refused(review, human("m1", "6")).refusal()).isEqualTo(MarkRefusal.ITEM_RESOLVED);
        }

        @Test
        void aScoreOffTheStepOrOutOfRangeIsRefusedAndNothingChanges() {
            Review review = rules.review(List.of(ai("6")));

            assertThat(catchThrowableOfType(InvalidScoreException.class,
                    () -> rules.accept(review, human("m1", "6.3"))).violation()).isEqualTo(ScoreViolation.OFF_STEP);
            assertThat(catchThrowableOfType(InvalidScoreException.class,
                    () -> rules.accept(review, human("m1", "10.5"))).violation()).isEqualTo(ScoreViolation.OUT_OF_RANGE);
            assertThat(catchThrowableOfType(InvalidScoreException.class,
                    () -> rules.accept(review, human("m1", "-1"))).violation()).isEqualTo(ScoreViolation.OUT_OF_RANGE);
            assertThat(review.marks()).hasSize(1);
            assertThat(review.awaits("m1", false)).isTrue();
        }

        @Test
        void anAiProposalOffTheStepIsRefusedToo() {
            assertThat(catchThrowableOfType(InvalidScoreException.class,
                    () -> rules.review(List.of(ai("6.25")))).violation()).isEqualTo(ScoreViolation.OFF_STEP);
        }

        @Test
        void replayingAHistoryThatBreaksTheRulesFails() {
            assertThat(catchThrowableOfType(MarkRefusedException.class,
                    () -> rules.review(List.of(human("m1", "6"), human("m2", "7"), human("m3", "7")))).refusal())
                    .isEqualTo(MarkRefusal.ITEM_RESOLVED);
        }

        @Test
        void aNegativeToleranceIsNoRule() {
            assertThatIllegalArgumentException().isThrownBy(() -> new DoubleMarkingRules(SCALE, dec("-0.5")));
        }
    }

    @Nested
    class Blindness {

        @Test
        void aMarkerSeesNothingBeforeTheirOwnMarkNotEvenTheProposal() {
            Review review = rules.review(List.of(ai("6")));

            assertThat(review.visibleTo("m1")).isEmpty();
        }

        @Test
        void theSecondHumanSeesNothingOfTheFirst() {
            Review review = rules.review(List.of(human("m1", "6")));

            assertThat(review.visibleTo("m2")).isEmpty();
            assertThat(review.visibleTo("m1")).extracting(Mark::markerId).containsExactly("m1");
        }

        @Test
        void onceTheirMarkIsStoredAMarkerSeesAllMarks() {
            Review review = rules.review(List.of(ai("9"), human("m1", "3")));

            assertThat(review.state()).isEqualTo(THIRD_MARK);
            assertThat(review.visibleTo("m1")).extracting(Mark::markerId).containsExactly("rule-based-v1", "m1");
        }

        @Test
        void theThirdMarkerAndTheChiefMarkBlind() {
            Review third = rules.review(List.of(human("m1", "2"), human("m2", "8")));
            Review arbitration = rules.accept(third, human("m3", "5"));

            assertThat(third.visibleTo("m3")).isEmpty();
            assertThat(arbitration.visibleTo("c1")).isEmpty();
            assertThat(arbitration.visibleTo("m3")).hasSize(3);
        }

        @Test
        void afterResolvedEveryoneSeesEveryMark() {
            Review review = rules.review(List.of(ai("6"), human("m1", "7")));

            assertThat(review.visibleTo("someone-else")).extracting(Mark::markerId)
                    .containsExactly("rule-based-v1", "m1");
        }
    }

    @Test
    void replayingMarksGivesTheSameItemAsAcceptingThemOneByOne() {
        List<Mark> marks = List.of(human("m1", "2"), human("m2", "8"), human("m3", "5"), chief("c1", "6"));

        Review stepwise = Review.start();
        for (Mark mark : marks) {
            stepwise = rules.accept(stepwise, mark);
        }

        assertThat(rules.review(marks)).isEqualTo(stepwise);
        assertThat(stepwise.finalScore()).isEqualByComparingTo("6");
    }

    private MarkRefusedException refused(Review review, Mark mark) {
        MarkRefusedException e = catchThrowableOfType(MarkRefusedException.class, () -> rules.accept(review, mark));
        assertThat(e).as("%s on %s must be refused", mark, review.state()).isNotNull();
        return e;
    }

    private static Mark human(String markerId, String score) {
        return Mark.human(markerId, dec(score), T0);
    }

    private static Mark chief(String markerId, String score) {
        return Mark.chief(markerId, dec(score), T0);
    }

    private static Mark ai(String score) {
        return Mark.ai("rule-based-v1", dec(score), T0);
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
