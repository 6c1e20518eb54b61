package io.zhiyue.grading.grader;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class RuleBasedGraderTest {

    private final RuleBasedGrader grader = new RuleBasedGrader();

    @Test
    void idIsStoredWithEveryResult() {
        assertThat(grader.id()).isEqualTo("rule-based-v1");
    }

    @Nested
    class AnyOf {

        @Test
        void awardedWhenOnePhraseOccursWithTheFirstMatchingPhraseAsEvidence() {
            GradeResult result = grade(question("5", null, point("p1", "2", anyOf("chlorophyll", "sunlight"))),
                    "Plants need SUNLIGHT and chlorophyll.");

            assertThat(result.score()).isEqualByComparingTo("2");
            assertThat(result.points()).containsExactly(new PointDecision("p1", true, dec("2"), "chlorophyll"));
        }

        @Test
        void notAwardedWhenNoPhraseOccurs() {
            GradeResult result = grade(question("5", null, point("p1", "2", anyOf("chlorophyll", "sunlight"))),
                    "Plants need water.");

            assertThat(result.score()).isEqualByComparingTo("0");
            assertThat(result.points()).containsExactly(new PointDecision("p1", false, dec("2"), null));
            assertThat(result.confidence()).isEqualByComparingTo("1");
        }

        @Test
        void matchesChinesePhrasesInsideChineseText() {
            GradeResult result = grade(question("5", null, point("p1", "3", anyOf("光合作用"))),
                    "植物通过光合作用制造有机物。");

            assertThat(result.points().get(0).awarded()).isTrue();
            assertThat(result.points().get(0).evidence()).isEqualTo("光合作用");
        }

        @ParameterizedTest
        @ValueSource(strings = {"the atp molecule", "The ATP molecule", "The Atp molecule", "the ＡＴＰ molecule"})
        void ignoresCaseAndWidthOfTheAnswer(String answer) {
            GradeResult result = grade(question("1", null, point("p1", "1", anyOf("ATP"))), answer);

            assertThat(result.points().get(0).awarded()).isTrue();
            assertThat(result.points().get(0).evidence()).isEqualTo("atp");
        }

        @Test
        void normalisesRubricPhrasesLikeAnswers() {
            GradeResult result = grade(question("1", null, point("p1", "1", anyOf("ＣＥＬＬ　　Ｗａｌｌ"))),
                    "The plant cell\n\t wall is rigid");

            assertThat(result.points().get(0).awarded()).isTrue();
            assertThat(result.points().get(0).evidence()).isEqualTo("cell wall");
        }
    }

    @Nested
    class AllOf {

        private final GradingQuestion question =
                question("5", null, point("p1", "2", allOf("mitochondria", "atp", "线粒体")));

        @Test
        void awardedWhenEveryPhraseOccursWithAllPhrasesAsEvidence() {
            GradeResult result = grade(question, "线粒体 (mitochondria) produce ATP");

            assertThat(result.score()).isEqualByComparingTo("2");
            assertThat(result.points()).containsExactly(
                    new PointDecision("p1", true, dec("2"), "mitochondria; atp; 线粒体"));
            assertThat(result.confidence()).isEqualByComparingTo("1.00");
        }

        @Test
        void notAwardedWhenOnlySomePhrasesOccurAndMarkedUncertain() {
            GradeResult result = grade(question, "Mitochondria produce energy");

            assertThat(result.score()).isEqualByComparingTo("0");
            assertThat(result.points()).containsExactly(new PointDecision("p1", false, dec("2"), "mitochondria"));
            assertThat(result.confidence()).isEqualByComparingTo("0.50");
        }

        @Test
        void notAwardedAndCertainWhenNoPhraseOccurs() {
            GradeResult result = grade(question, "I do not know");

            assertThat(result.points().get(0).awarded()).isFalse();
            assertThat(result.points().get(0).evidence()).isNull();
            assertThat(result.confidence()).isEqualByComparingTo("1.00");
        }
    }

    @Nested
    class Regex {

        @Test
        void awardedWhenFoundAnywhereWithTheMatchedTextAsEvidence() {
            GradeResult result = grade(question("4", null, point("p1", "4", regex("v\\s*=\\s*\\d+\\s*m/s"))),
                    "Therefore the final speed v = 12 m/s, as required.");

            assertThat(result.points()).containsExactly(new PointDecision("p1", true, dec("4"), "v = 12 m/s"));
        }

        @Test
        void runsOnTheNormalisedAnswer() {
            GradeResult result = grade(question("4", null, point("p1", "4", regex("v = \\d+ m/s"))),
                    "Ｖ　＝　１２\tｍ／ｓ");

            assertThat(result.points().get(0).evidence()).isEqualTo("v = 12 m/s");
        }

        @Test
        void upperCaseInTheRegexStillMatchesTheLowerCasedAnswer() {
            GradeResult result = grade(question("1", null, point("p1", "1", regex("DNA|RNA"))), "It is RNA.");

            assertThat(result.points().get(0).awarded()).isTrue();
            assertThat(result.points().get(0).evidence()).isEqualTo("rna");
        }

        @Test
        void notAwardedWhenNotFound() {
            GradeResult result = grade(question("4", null, point("p1", "4", regex("^\\d+$"))), "about 12 m/s");

            assertThat(result.points()).containsExactly(new PointDecision("p1", false, dec("4"), null));
        }

        @Test
        void longMatchesAreClippedInTheEvidence() {
            GradeResult result = grade(question("1", null, point("p1", "1", regex(".+"))), "x".repeat(1000));

            assertThat(result.points().get(0).evidence()).hasSize(201).startsWith("xxx").endsWith("…");
        }
    }

    @Nested
    class Numeric {

        @ParameterizedTest
        @CsvSource({
                "x = 9.5, true", "x = 10.5, true", "x = 10, true", "x = 10.50, true", "x=9.75cm, true",
                "x = 10.51, false", "x = 9.49, false", "x = -10, false", "x = 105, false", "no number, false"})
        void boundsAreInclusive(String answer, boolean awarded) {
            GradeResult result = grade(question("1", null, point("p1", "1", numeric("10", "0.5"))), answer);

            assertThat(result.points().get(0).awarded()).isEqualTo(awarded);
        }

        @Test
        void comparesAsDecimalsNotBinaryFloatingPoint() {
            // In doubles 0.7 + 0.1 = 0.7999999999999999, which would exclude the upper bound 0.8.
            assertThat(grade(question("1", null, point("p1", "1", numeric("0.7", "0.1"))), "0.8")
                    .points().get(0).awarded()).isTrue();
            // A double cannot tell 1.00000000000000001 from 1.
            assertThat(grade(question("1", null, point("p1", "1", numeric("1.00000000000000001", "0"))), "1")
                    .points().get(0).awarded()).isFalse();
            assertThat(grade(question("1", null, point("p1", "1", numeric("1.00000000000000001", "0"))),
                    "1.00000000000000001").points().get(0).awarded()).isTrue();
        }

        @Test
        void fullWidthDigitsAreNumbers() {
            GradeResult result = grade(question("2", null, point("p1", "2", numeric("3.14", "0"))), "π 约等于 ３．１４");

            assertThat(result.points()).containsExactly(new PointDecision("p1", true, dec("2"), "3.14"));
        }

        @Test
        void evidenceIsTheFirstNumberInRangeAsWritten() {
            GradeResult result = grade(question("2", null, point("p1", "2", numeric("-3.5", "0.1"))),
                    "Step 1 gives 7, so the temperature is -3.50 degrees, not -3.");

            assertThat(result.points().get(0).evidence()).isEqualTo("-3.50");
        }

        @Test
        void signsCountOnlyWhereTheyCannotBeOperators() {
            GradingQuestion minusThree = question("1", null, point("p1", "1", numeric("-3", "0")));

            assertThat(grade(minusThree, "温度为-3度").points().get(0).awarded()).isTrue();
            assertThat(grade(minusThree, "x = (-3)").points().get(0).awarded()).isTrue();
            assertThat(grade(minusThree, "ｘ＝－３").points().get(0).awarded()).isTrue();
            assertThat(grade(minusThree, "10-3 = 7").points().get(0).awarded()).isFalse();
            assertThat(grade(minusThree, "x-3 = 0").points().get(0).awarded()).isFalse();
        }

        @Test
        void strictlyGroupedThousandsAreOneNumber() {
            GradeResult result = grade(question("1", null, point("p1", "1", numeric("1000", "0"))), "共１，０００人");

            assertThat(result.points().get(0).evidence()).isEqualTo("1,000");
        }
    }

    @Nested
    class NumberExtraction {

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "-3.50|-3.50",
                "+2 and 12|2 12",
                "0.5 or .5|0.5 0.5",
                "-.25|-0.25",
                "1,000|1000",
                "12,345,678.9|12345678.9",
                "3,4|3 4",
                "1234,567|1234 567",
                "0,500|0 500",
                "1,0000|1 0",
                "10-3=7|10 3 7",
                "h2o|2",
                "end 5.|5",
                "3.14.15|3.14 15",
                "x \u2212 4 vs \u22124|4 -4",
        })
        void readsSignsDecimalsAndGroupedThousands(String text, String expected) {
            List<BigDecimal> values = RuleBasedGrader.numbersIn(TextNormalizer.normalize(text)).stream()
                    .map(RuleBasedGrader.NumberToken::value).toList();

            assertThat(values).usingElementComparator(BigDecimal::compareTo)
                    .containsExactlyElementsOf(Arrays.stream(expected.split(" ")).map(BigDecimal::new).toList());
        }

        @Test
        void keepsTheTextAsWrittenForEvidence() {
            assertThat(RuleBasedGrader.numbersIn("a -3.50 b 1,000.5"))
                    .extracting(RuleBasedGrader.NumberToken::text).containsExactly("-3.50", "1,000.5");
        }

        @Test
        void ignoresAbsurdlyLongDigitRuns() {
            assertThat(RuleBasedGrader.numbersIn("1".repeat(500) + " 42"))
                    .extracting(RuleBasedGrader.NumberToken::text).containsExactly("42");
        }
    }

    @Nested
    class CombinedConditions {

        private final GradingQuestion question = question("3", null,
                point("p1", "3", new Match(List.of("光合作用", "photosynthesis"), null, "co2|二氧化碳",
                        new NumericMatch(new BigDecimal("6"), BigDecimal.ZERO))));

        @Test
        void awardedOnlyWhenEveryNamedConditionHolds() {
            GradeResult result = grade(question, "光合作用 uses 6 CO2");

            assertThat(result.points()).containsExactly(new PointDecision("p1", true, dec("3"), "光合作用; co2; 6"));
            assertThat(result.confidence()).isEqualByComparingTo("1.00");
        }

        @Test
        void notAwardedWhenOneConditionFailsAndEvidenceShowsWhatHeld() {
            GradeResult result = grade(question, "光合作用 uses 5 二氧化碳");

            assertThat(result.score()).isEqualByComparingTo("0");
            assertThat(result.points()).containsExactly(new PointDecision("p1", false, dec("3"), "光合作用; 二氧化碳"));
            assertThat(result.confidence()).isEqualByComparingTo("0.50");
        }

        @Test
        void noConditionHoldingIsCertain() {
            GradeResult result = grade(question, "no idea");

            assertThat(result.points().get(0).awarded()).isFalse();
            assertThat(result.confidence()).isEqualByComparingTo("1.00");
        }
    }

    @Nested
    class Scoring {

        @Test
        void sumsAwardedPointsAndAppliesDeductions() {
            GradingQuestion question = question("10", null,
                    point("p1", "4", anyOf("newton")),
                    point("p2", "3", anyOf("force")),
                    point("p3", "-1.5", anyOf("weight is mass")));

            assertThat(grade(question, "Newton: force").score()).isEqualByComparingTo("7");
            assertThat(grade(question, "Newton: force; weight is mass").score()).isEqualByComparingTo("5.5");
        }

        @Test
        void clampsAtZero() {
            GradingQuestion question = question("10", null,
                    point("p1", "1", anyOf("newton")), point("p2", "-3", anyOf("wrong unit")));

            GradeResult result = grade(question, "Newton, wrong unit");

            assertThat(result.score()).isEqualByComparingTo("0");
            assertThat(result.points()).extracting(PointDecision::awarded).containsExactly(true, true);
        }

        @Test
        void clampsAtMaxScore() {
            GradingQuestion question = question("10", null,
                    point("p1", "6", anyOf("a")), point("p2", "6", anyOf("b")));

            assertThat(grade(question, "a b").score()).isEqualByComparingTo("10");
        }

        @ParameterizedTest
        @CsvSource(nullValues = "null", value = {
                "0.5, 2.5", "1, 2", "null, 2.5", "0.25, 2.5", "0.1, 2.7", "3, 0"})
        void roundsDownToAMultipleOfTheScoreStep(String step, String expected) {
            GradingQuestion question = question("10", step,
                    point("p1", "1.5", anyOf("a")), point("p2", "1.2", anyOf("b")));

            assertThat(grade(question, "a b").score()).isEqualByComparingTo(expected);
        }

        @Test
        void clampedMaxScoreIsAlsoRoundedDown() {
            GradingQuestion question = question("10", "3", point("p1", "12", anyOf("a")));

            assertThat(grade(question, "a").score()).isEqualByComparingTo("9");
        }

        @Test
        void scoresAreDecimalsWithoutTrailingZerosOrExponent() {
            GradingQuestion question = question("10.00", "0.50",
                    point("p1", "2.50", anyOf("a")), point("p2", "7.50", anyOf("b")));

            assertThat(grade(question, "a").score().toPlainString()).isEqualTo("2.5");
            assertThat(grade(question, "a").score().toString()).isEqualTo("2.5");
            assertThat(grade(question, "a b").score().toString()).isEqualTo("10");
            assertThat(grade(question, "none").score().toString()).isEqualTo("0");
            assertThat(grade(question, "a").maxScore().toString()).isEqualTo("10");
            assertThat(grade(question, "a").points().get(0).points().toString()).isEqualTo("2.5");
        }

        @Test
        void reportsEveryPointInRubricOrderWithItsPointsEvenWhenNotAwarded() {
            GradingQuestion question = question("10", null,
                    point("b", "2", anyOf("beta")), point("a", "3", anyOf("alpha")), point("c", "-1", anyOf("gamma")));

            GradeResult result = grade(question, "alpha");

            assertThat(result.points()).containsExactly(
                    new PointDecision("b", false, dec("2"), null),
                    new PointDecision("a", true, dec("3"), "alpha"),
                    new PointDecision("c", false, dec("-1"), null));
            assertThat(result.maxScore()).isEqualByComparingTo("10");
        }

        @Test
        void nullAnswerIsAnEmptyAnswer() {
            GradeResult result = grade(question("5", null, point("p1", "5", anyOf("x"))), null);

            assertThat(result.score()).isEqualByComparingTo("0");
            assertThat(result.points().get(0).awarded()).isFalse();
        }
    }

    @Nested
    class Confidence {

        @Test
        void isTheMeanOfPerPointCertaintyRoundedToTwoPlaces() {
            GradingQuestion question = question("10", null,
                    point("p1", "1", anyOf("a")),
                    point("p2", "1", anyOf("b")),
                    point("p3", "1", allOf("c", "d")));

            GradeResult result = grade(question, "a c");

            assertThat(result.confidence()).isEqualTo(new BigDecimal("0.83"));
        }

        @Test
        void isOneWhenEveryPointIsClearCut() {
            GradingQuestion question = question("10", null, point("p1", "1", anyOf("a")), point("p2", "1", anyOf("b")));

            assertThat(grade(question, "a").confidence()).isEqualTo(new BigDecimal("1.00"));
        }

        @Test
        void isOneWithScoreZeroForARubricWithoutPoints() {
            GradeResult result = grade(new GradingQuestion(dec("5"), null, new Rubric(List.of())), "anything");

            assertThat(result.score()).isEqualByComparingTo("0");
            assertThat(result.points()).isEmpty();
            assertThat(result.confidence()).isEqualTo(new BigDecimal("1.00"));
        }
    }

    @Nested
    class InvalidInput {

        @Test
        void refusesAPointThatNamesNoConditionRatherThanAwardingItVacuously() {
            GradingQuestion question = question("5", null, point("p1", "5", new Match(null, null, null, null)));

            assertThatIllegalArgumentException().isThrownBy(() -> grade(question, "x"))
                    .withMessageContaining("rubric.points[0].match");
        }

        @Test
        void refusesAnInvalidRegex() {
            GradingQuestion question = question("5", null, point("p1", "5", regex("(unclosed")));

            assertThatIllegalArgumentException().isThrownBy(() -> grade(question, "x"))
                    .withMessageContaining("rubric.points[0].match.regex");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1"})
        void refusesANonPositiveMaxScore(String maxScore) {
            GradingQuestion question = question(maxScore, null, point("p1", "1", anyOf("x")));

            assertThatIllegalArgumentException().isThrownBy(() -> grade(question, "x"));
        }

        @Test
        void refusesANonPositiveScoreStep() {
            GradingQuestion question = question("5", "0", point("p1", "1", anyOf("x")));

            assertThatIllegalArgumentException().isThrownBy(() -> grade(question, "x"));
        }

        @Test
        void refusesAMissingQuestionOrRubric() {
            assertThatNullPointerException().isThrownBy(() -> grade(null, "x"));
            assertThatNullPointerException().isThrownBy(() -> grade(new GradingQuestion(dec("5"), null, null), "x"));
        }
    }

    @Test
    void parallelGradingGivesTheSameResultsAsSequentialGrading() {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            answers.add(switch (i % 5) {
                case 0 -> "光合作用 produces O2 at " + (i % 13) + ".5 units";
                case 1 -> "ＣＯ２ and light, value " + (i % 7);
                case 2 -> "wrong answer " + i;
                case 3 -> "Photosynthesis: v = " + (i % 11) + " m/s, 光合作用";
                default -> "-" + (i % 4) + " degrees, co2";
            });
        }
        List<GradeResult> sequential = answers.stream()
                .map(answer -> new RuleBasedGrader().grade(sampleQuestion(), answer)).toList();

        RuleBasedGrader shared = new RuleBasedGrader();
        // Fresh but equal rubric instances per call exercise the shared caches under contention.
        List<GradeResult> parallel = IntStream.range(0, answers.size()).parallel()
                .mapToObj(i -> shared.grade(sampleQuestion(), answers.get(i))).toList();

        assertThat(parallel).isEqualTo(sequential);
        // The workload must be varied, or equal results would prove little.
        assertThat(sequential.stream().map(result -> result.score().toPlainString()).distinct())
                .containsExactlyInAnyOrder("0", "2", "3", "4", "4.5", "5", "6.5");
    }

    private static GradingQuestion sampleQuestion() {
        return question("10", "0.5",
                point("p1", "3", anyOf("光合作用", "photosynthesis")),
                point("p2", "2", allOf("co2", "light")),
                point("p3", "1.5", regex("v = \\d+ m/s")),
                point("p4", "2", numeric("5.5", "0.5")),
                point("p5", "-1", numeric("-2", "0")));
    }

    private GradeResult grade(GradingQuestion question, String answer) {
        return grader.grade(question, answer);
    }

    static GradingQuestion question(String maxScore, String scoreStep, ScoringPoint... points) {
        return new GradingQuestion(dec(maxScore), scoreStep == null ? null : dec(scoreStep),
                new Rubric(List.of(points)));
    }

    static ScoringPoint point(String id, String points, Match match) {
        return new ScoringPoint(id, "point " + id, dec(points), match);
    }

    static Match anyOf(String... phrases) {
        return new Match(List.of(phrases), null, null, null);
    }

    static Match allOf(String... phrases) {
        return new Match(null, List.of(phrases), null, null);
    }

    static Match regex(String regex) {
        return new Match(null, null, regex, null);
    }

    static Match numeric(String value, String tolerance) {
        return new Match(null, null, null, new NumericMatch(dec(value), dec(tolerance)));
    }

    static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
