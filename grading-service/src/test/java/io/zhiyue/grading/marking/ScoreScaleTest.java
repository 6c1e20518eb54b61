package io.zhiyue.grading.marking;

import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ScoreScaleTest {

    private final ScoreScale tenInHalves = scale("10", "0.5");

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.5", "7.5", "7.50", "10", "10.00"})
    void scoresOnTheScaleAreValid(String score) {
        assertThat(tenInHalves.violationOf(dec(score))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "-0.5,  OUT_OF_RANGE",
            "-0.25, OUT_OF_RANGE",
            "10.5,  OUT_OF_RANGE",
            "10.25, OUT_OF_RANGE",
            "7.25,  OFF_STEP",
            "0.1,   OFF_STEP",
            "9.99,  OFF_STEP"})
    void scoresOffTheScaleSayWhy(String score, ScoreViolation expected) {
        assertThat(tenInHalves.violationOf(dec(score))).contains(expected);
    }

    @Test
    void aMissingScoreIsMissing() {
        assertThat(tenInHalves.violationOf(null)).contains(ScoreViolation.MISSING);
    }

    @Test
    void whenMaxIsNoMultipleOfTheStepTheHighestMultipleBelowItIsTheTop() {
        ScoreScale fiveInTwos = scale("5", "2");

        assertThat(fiveInTwos.violationOf(dec("4"))).isEmpty();
        assertThat(fiveInTwos.violationOf(dec("5"))).contains(ScoreViolation.OFF_STEP);
        assertThat(fiveInTwos.violationOf(dec("3"))).contains(ScoreViolation.OFF_STEP);
        assertThat(fiveInTwos.violationOf(dec("6"))).contains(ScoreViolation.OUT_OF_RANGE);
    }

    @Test
    void anOffStepScoreIsA400WithAFieldErrorOnScore() {
        InvalidScoreException e = catchThrowableOfType(InvalidScoreException.class,
                () -> tenInHalves.requireValid(dec("7.25")));

        assertThat(e).isNotNull();
        assertThat(e.violation()).isEqualTo(ScoreViolation.OFF_STEP);
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(e.code().status()).isEqualTo(400);
        assertThat(e.errors()).containsExactly(new Problem.FieldError("score", "must be a multiple of 0.5"));
        assertThat(e.getMessage()).isEqualTo("score 7.25 must be a multiple of 0.5");
    }

    @Test
    void anOutOfRangeScoreNamesTheRange() {
        InvalidScoreException e = catchThrowableOfType(InvalidScoreException.class,
                () -> tenInHalves.requireValid(dec("11")));

        assertThat(e.violation()).isEqualTo(ScoreViolation.OUT_OF_RANGE);
        assertThat(e.errors()).containsExactly(new Problem.FieldError("score", "must be between 0 and 10"));
    }

    @Test
    void messagesReadPlainWhenTheScaleComesWithDatabaseDecimals() {
        InvalidScoreException e = catchThrowableOfType(InvalidScoreException.class,
                () -> scale("10.00", "0.50").requireValid(dec("7.30")));

        assertThat(e.errors()).containsExactly(new Problem.FieldError("score", "must be a multiple of 0.5"));
        assertThat(e.getMessage()).isEqualTo("score 7.3 must be a multiple of 0.5");
        assertThat(ScoreViolation.OUT_OF_RANGE.message(scale("10.00", "0.50"))).isEqualTo("must be between 0 and 10");
    }

    @Test
    void aMissingScoreIsRequired() {
        InvalidScoreException e = catchThrowableOfType(InvalidScoreException.class,
                () -> tenInHalves.requireValid(null));

        assertThat(e.violation()).isEqualTo(ScoreViolation.MISSING);
        assertThat(e.errors()).containsExactly(new Problem.FieldError("score", "is required"));
    }

    @ParameterizedTest
    @CsvSource({
            "7,   7.5, 7",    // 14.5 / 2 = 7.25, down to 7
            "7,   8,   7.5",  // exactly on the step
            "0,   0.5, 0",    // 0.25, down to 0
            "9.5, 10,  9.5",  // 9.75, down to 9.5
            "10,  10,  10"})
    void theMeanIsRoundedDownToTheStep(String a, String b, String expected) {
        assertThat(tenInHalves.meanRoundedDown(dec(a), dec(b))).isEqualByComparingTo(expected);
    }

    @Test
    void theMeanIsRoundedDownToAWholeStepToo() {
        // (3 + 4) / 2 = 3.5 → 3 on a step of 1; (4 + 8) / 2 = 6 on a step of 2; (4 + 6) / 2 = 5 → 4.
        assertThat(scale("10", "1").meanRoundedDown(dec("3"), dec("4"))).isEqualByComparingTo("3");
        assertThat(scale("10", "2").meanRoundedDown(dec("4"), dec("8"))).isEqualByComparingTo("6");
        assertThat(scale("10", "2").meanRoundedDown(dec("4"), dec("6"))).isEqualByComparingTo("4");
    }

    @Test
    void theCategoryIsTheScoreInSteps() {
        assertThat(tenInHalves.category(dec("0"))).isZero();
        assertThat(tenInHalves.category(dec("7.5"))).isEqualTo(15);
        assertThat(tenInHalves.category(dec("10.00"))).isEqualTo(20);
        assertThat(catchThrowableOfType(InvalidScoreException.class, () -> tenInHalves.category(dec("7.25"))))
                .isNotNull();
    }

    @Test
    void aScaleNeedsAPositiveMaxAndAStepWithinIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> scale("0", "0.5"));
        assertThatIllegalArgumentException().isThrownBy(() -> scale("10", "0"));
        assertThatIllegalArgumentException().isThrownBy(() -> scale("10", "-1"));
        assertThatIllegalArgumentException().isThrownBy(() -> scale("10", "10.5"));
    }

    private static ScoreScale scale(String max, String step) {
        return new ScoreScale(dec(max), dec(step));
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    @Test
    void scoresWithAbsurdDigitsOrExponentsAreRefusedWithoutArithmeticOnThem() {
        ScoreScale scale = new ScoreScale(new BigDecimal("10"), new BigDecimal("0.5"));
        assertThat(scale.violationOf(new BigDecimal("1E-999999999"))).contains(ScoreViolation.OFF_STEP);
        assertThat(scale.violationOf(new BigDecimal("1E+999999999"))).contains(ScoreViolation.OUT_OF_RANGE);
        assertThat(scale.violationOf(new BigDecimal("2." + "0".repeat(100) + "1"))).contains(ScoreViolation.OFF_STEP);
        // zero and trailing zeros written any way are the plain score
        assertThat(scale.violationOf(new BigDecimal("0E-999999999"))).isEmpty();
        assertThat(ScoreScale.normalise(new BigDecimal("0E-999999999")).toPlainString()).isEqualTo("0");
        assertThat(ScoreScale.normalise(new BigDecimal("2.500")).toPlainString()).isEqualTo("2.5");
        assertThat(ScoreScale.normalise(new BigDecimal("1E+1")).toPlainString()).isEqualTo("10");
    }
}
