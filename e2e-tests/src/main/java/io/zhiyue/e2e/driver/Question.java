package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;

/** The body of {@code POST /exams/{examId}/questions}: a question with its rubric. */
public record Question(int number, String prompt, BigDecimal maxScore, BigDecimal scoreStep, Rubric rubric) {

    public record Rubric(List<ScoringPoint> points) {
    }

    /** One scoring point; {@code points} is negative for a deduction. */
    public record ScoringPoint(String id, String description, BigDecimal points, Match match) {
    }

    /** Every condition named must hold for the point to be awarded. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Match(List<String> anyOf, List<String> allOf, String regex, NumericMatch numeric) {

        public static Match anyOf(String... phrases) {
            return new Match(List.of(phrases), null, null, null);
        }

        public static Match allOf(String... phrases) {
            return new Match(null, List.of(phrases), null, null);
        }

        public static Match regex(String regex) {
            return new Match(null, null, regex, null);
        }

        public static Match numeric(String value, String tolerance) {
            return new Match(null, null, null, new NumericMatch(new BigDecimal(value), new BigDecimal(tolerance)));
        }
    }

    public record NumericMatch(BigDecimal value, BigDecimal tolerance) {
    }
}
