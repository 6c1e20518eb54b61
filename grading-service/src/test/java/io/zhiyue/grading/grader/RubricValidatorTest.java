package io.zhiyue.grading.grader;

import io.zhiyue.shared.error.Problem.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RubricValidatorTest {

    private static final Match VALID_MATCH = new Match(List.of("photosynthesis"), null, null, null);

    @Test
    void acceptsAValidQuestionWithEveryMatchKind() {
        Rubric rubric = rubric(
                point("p1", "2", new Match(List.of("光合作用", "photosynthesis"), null, null, null)),
                point("p2", "1.5", new Match(null, List.of("co2", "light"), "\\bo2\\b", null)),
                point("p3", "-1", new Match(null, null, null, new NumericMatch(dec("3.14"), BigDecimal.ZERO))));

        assertThat(RubricValidator.validate(dec("5"), dec("0.5"), rubric)).isEmpty();
        assertThat(RubricValidator.validate(dec("5"), null, rubric)).isEmpty();
    }

    @Test
    void acceptsTheLimitsThemselves() {
        List<ScoringPoint> points = IntStream.range(0, RubricValidator.MAX_POINTS)
                .mapToObj(i -> point("p".repeat(RubricValidator.MAX_ID_LENGTH - 3) + String.format("%03d", i), "1",
                        VALID_MATCH))
                .toList();

        assertThat(RubricValidator.validate(dec("1000"), dec("1000"), new Rubric(points))).isEmpty();
    }

    @Test
    void requiresMaxScore() {
        assertThat(RubricValidator.validate(null, null, validRubric()))
                .containsExactly(new FieldError("maxScore", "is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1000.01", "5000"})
    void rejectsMaxScoreOutsideZeroToOneThousand(String maxScore) {
        assertThat(RubricValidator.validate(dec(maxScore), null, validRubric()))
                .extracting(FieldError::field).containsExactly("maxScore");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0.5", "5.5"})
    void rejectsScoreStepNotPositiveOrAboveMaxScore(String scoreStep) {
        assertThat(RubricValidator.validate(dec("5"), dec(scoreStep), validRubric()))
                .extracting(FieldError::field).containsExactly("scoreStep");
    }

    @Test
    void requiresARubricWithOneToOneHundredPoints() {
        assertThat(RubricValidator.validate(dec("5"), null, null))
                .containsExactly(new FieldError("rubric", "is required"));
        assertThat(RubricValidator.validate(dec("5"), null, new Rubric(null)))
                .extracting(FieldError::field).containsExactly("rubric.points");
        assertThat(RubricValidator.validate(dec("5"), null, new Rubric(List.of())))
                .extracting(FieldError::field).containsExactly("rubric.points");

        List<ScoringPoint> tooMany = IntStream.range(0, 101).mapToObj(i -> point("p" + i, "1", VALID_MATCH)).toList();
        assertThat(RubricValidator.validate(dec("5"), null, new Rubric(tooMany)))
                .containsExactly(new FieldError("rubric.points", "must contain at most 100 scoring points"));
    }

    @Test
    void rejectsAMissingPoint() {
        List<ScoringPoint> points = new ArrayList<>(List.of(point("p1", "1", VALID_MATCH)));
        points.add(null);

        assertThat(RubricValidator.validate(dec("5"), null, new Rubric(points)))
                .containsExactly(new FieldError("rubric.points[1]", "is required"));
    }

    @Test
    void rejectsMissingBlankAndOverlongIds() {
        Rubric rubric = rubric(
                point(null, "1", VALID_MATCH),
                point(" \t", "1", VALID_MATCH),
                point("x".repeat(65), "1", VALID_MATCH));

        assertThat(RubricValidator.validate(dec("5"), null, rubric)).containsExactly(
                new FieldError("rubric.points[0].id", "is required"),
                new FieldError("rubric.points[1].id", "is required"),
                new FieldError("rubric.points[2].id", "must be at most 64 characters"));
    }

    @Test
    void rejectsDuplicateIdsNamingTheFirstUse() {
        Rubric rubric = rubric(point("a", "1", VALID_MATCH), point("b", "1", VALID_MATCH), point("a", "1", VALID_MATCH));

        List<FieldError> errors = RubricValidator.validate(dec("5"), null, rubric);

        assertThat(errors).extracting(FieldError::field).containsExactly("rubric.points[2].id");
        assertThat(errors.get(0).message()).contains("unique", "rubric.points[0]");
    }

    @Test
    void requiresPointsAndMatch() {
        Rubric rubric = rubric(point("a", null, VALID_MATCH), point("b", "1", null));

        assertThat(RubricValidator.validate(dec("5"), null, rubric)).containsExactly(
                new FieldError("rubric.points[0].points", "is required"),
                new FieldError("rubric.points[1].match", "is required"));
    }

    @Test
    void requiresAMatchToNameACondition() {
        Rubric rubric = rubric(point("a", "1", new Match(null, null, null, null)));

        assertThat(RubricValidator.validate(dec("5"), null, rubric)).containsExactly(
                new FieldError("rubric.points[0].match", "must name at least one of anyOf, allOf, regex, numeric"));
    }

    @Test
    void rejectsEmptyPhraseListsAndBlankPhrases() {
        Rubric rubric = rubric(
                point("a", "1", new Match(List.of(), null, null, null)),
                point("b", "1", new Match(Arrays.asList("ok", null, "\u3000", "\u00A0"), List.of("fine", ""), null, null)),
                point("c", "1", new Match(null, List.of(), null, null)));

        assertThat(RubricValidator.validate(dec("5"), null, rubric)).containsExactly(
                new FieldError("rubric.points[0].match.anyOf", "must not be empty"),
                new FieldError("rubric.points[1].match.anyOf[1]", "must not be blank"),
                new FieldError("rubric.points[1].match.anyOf[2]", "must not be blank"),
                new FieldError("rubric.points[1].match.anyOf[3]", "must not be blank"),
                new FieldError("rubric.points[1].match.allOf[1]", "must not be blank"),
                new FieldError("rubric.points[2].match.allOf", "must not be empty"));
    }

    @Test
    void rejectsARegexThatDoesNotCompileWithTheReason() {
        Rubric rubric = rubric(point("a", "1", new Match(null, null, "(photo", null)));

        List<FieldError> errors = RubricValidator.validate(dec("5"), null, rubric);

        assertThat(errors).extracting(FieldError::field).containsExactly("rubric.points[0].match.regex");
        assertThat(errors.get(0).message()).startsWith("is not a valid regular expression: ").contains("Unclosed group");
    }

    @Test
    void rejectsABlankRegex() {
        Rubric rubric = rubric(point("a", "1", new Match(null, null, "  ", null)));

        assertThat(RubricValidator.validate(dec("5"), null, rubric))
                .containsExactly(new FieldError("rubric.points[0].match.regex", "must not be blank"));
    }

    @Test
    void requiresNumericValueAndANonNegativeTolerance() {
        Rubric rubric = rubric(
                point("a", "1", new Match(null, null, null, new NumericMatch(null, null))),
                point("b", "1", new Match(null, null, null, new NumericMatch(dec("1"), dec("-0.1")))),
                point("c", "1", new Match(null, null, null, new NumericMatch(dec("-1"), dec("0")))));

        assertThat(RubricValidator.validate(dec("5"), null, rubric)).containsExactly(
                new FieldError("rubric.points[0].match.numeric.value", "is required"),
                new FieldError("rubric.points[0].match.numeric.tolerance", "is required"),
                new FieldError("rubric.points[1].match.numeric.tolerance", "must be at least 0"));
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Rubric rubric = rubric(
                point("a", "1", VALID_MATCH),
                point("a", null, new Match(null, null, "[", null)));

        assertThat(RubricValidator.validate(dec("0"), dec("-1"), rubric)).extracting(FieldError::field)
                .containsExactly("maxScore", "scoreStep", "rubric.points[1].id", "rubric.points[1].points",
                        "rubric.points[1].match.regex");
    }

    @Test
    void boundsTheSizeAndPrecisionOfPoints() {
        Rubric rubric = rubric(point("big", "1000.01", VALID_MATCH), point("fine", "0.125", VALID_MATCH),
                point("deduct", "-1000", VALID_MATCH));

        assertThat(RubricValidator.validate(dec("10"), null, rubric))
                .containsExactly(new FieldError("rubric.points[0].points", "must be between -1000 and 1000"),
                        new FieldError("rubric.points[1].points", "takes at most two decimals"));
    }

    @Test
    void refusesTheNulCharacterWithTheFieldNamed() {
        Rubric rubric = rubric(point("a\u0000", "1", VALID_MATCH),
                point("b", "1", new Match(List.of("x\u0000y"), null, "a\u0000", null)),
                new ScoringPoint("c", "desc\u0000", BigDecimal.ONE, VALID_MATCH));

        assertThat(RubricValidator.validate(dec("10"), null, rubric)).extracting(FieldError::field)
                .containsExactly("rubric.points[0].id", "rubric.points[1].match.anyOf[0]",
                        "rubric.points[1].match.regex", "rubric.points[2].description");
    }

    private static Rubric validRubric() {
        return rubric(point("p1", "1", VALID_MATCH));
    }

    private static Rubric rubric(ScoringPoint... points) {
        return new Rubric(Arrays.asList(points));
    }

    private static ScoringPoint point(String id, String points, Match match) {
        return new ScoringPoint(id, "description", points == null ? null : dec(points), match);
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
