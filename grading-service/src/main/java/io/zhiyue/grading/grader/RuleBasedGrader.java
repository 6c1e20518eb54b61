package io.zhiyue.grading.grader;

import io.zhiyue.shared.error.Problem;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic default grader: a scoring point is awarded when every condition its
 * {@link Match} names holds on the {@link TextNormalizer normalised} answer; the score is the sum of
 * awarded points clamped to {@code [0, maxScore]} and rounded down to a multiple of
 * {@code scoreStep} (0.5 when absent).
 * <p>
 * Confidence is the mean of a per-point certainty, scale 2 HALF_UP: 1 when the point's conditions
 * agree (all hold or none holds), 0.5 when it is partly matched (some conditions hold, or only some
 * {@code allOf} phrases occur); a rubric without points has confidence 1.
 * <p>
 * Numbers: optional sign, digits, optional decimal part ({@code -3.50}, {@code +2}, {@code .5});
 * {@code 1,000} and {@code 12,345.6} are one number only when strictly grouped in threes after a
 * non-zero lead of 1–3 digits, otherwise a comma separates numbers ({@code 3,4} is 3 and 4). A sign
 * directly after an ASCII letter, digit or closing bracket is an operator ({@code 10-3} holds 10
 * and 3). Regexes run case-insensitively because the answer they see is already lower-cased.
 * <p>
 * Scores, {@code maxScore} and point values come back without trailing zeros and never in
 * exponent form ({@code 2.5}, {@code 10}, {@code 0}); evidence quotes the normalised answer.
 * Stateless and thread-safe: {@link #prepare} turns a question into its compiled form (patterns,
 * normalised phrases) once; whoever grades many answers keeps that
 * ({@link io.zhiyue.grading.service.PreparedRubrics}, the one bounded cache by rubric version).
 */
@Singleton
public final class RuleBasedGrader implements Grader {

    public static final String ID = "rule-based-v1";
    static final BigDecimal DEFAULT_SCORE_STEP = new BigDecimal("0.5");
    static final int REGEX_FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private static final BigDecimal HALF = new BigDecimal("0.5");
    // Longer digit runs are noise, not answers, and would make BigDecimal parsing costly.
    private static final int MAX_NUMBER_DIGITS = 100;
    private static final int MAX_EVIDENCE_FRAGMENT = 200;
    private static final String EVIDENCE_SEPARATOR = "; ";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public GradeResult grade(GradingQuestion question, String answer) {
        return grade(prepare(question), answer);
    }

    /**
     * A question ready to grade answers: its scale checked, its rubric validated and compiled.
     *
     * @throws IllegalArgumentException when the scale or the rubric is invalid
     */
    public PreparedQuestion prepare(GradingQuestion question) {
        Objects.requireNonNull(question, "question");
        BigDecimal maxScore = question.maxScore();
        if (maxScore == null || maxScore.signum() <= 0) {
            throw new IllegalArgumentException("maxScore must be greater than 0, was " + maxScore);
        }
        BigDecimal step = question.scoreStep() == null ? DEFAULT_SCORE_STEP : question.scoreStep();
        if (step.signum() <= 0) {
            throw new IllegalArgumentException("scoreStep must be greater than 0, was " + step);
        }
        return new PreparedQuestion(maxScore, step, prepare(Objects.requireNonNull(question.rubric(), "rubric")));
    }

    public GradeResult grade(PreparedQuestion question, String answer) {
        BigDecimal maxScore = question.maxScore();
        BigDecimal step = question.step();
        PreparedRubric rubric = question.rubric();
        String text = TextNormalizer.normalize(answer);
        List<NumberToken> numbers = rubric.needsNumbers() ? numbersIn(text) : List.of();

        List<PointDecision> decisions = new ArrayList<>(rubric.points().size());
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal certainty = BigDecimal.ZERO;
        for (PreparedPoint point : rubric.points()) {
            Evaluation evaluation = point.evaluate(text, numbers);
            decisions.add(new PointDecision(point.id(), evaluation.awarded(), point.points(), evaluation.evidence()));
            if (evaluation.awarded()) {
                sum = sum.add(point.points());
            }
            certainty = certainty.add(evaluation.partial() ? HALF : BigDecimal.ONE);
        }
        BigDecimal clamped = sum.max(BigDecimal.ZERO).min(maxScore);
        BigDecimal score = clamped.divide(step, 0, RoundingMode.FLOOR).multiply(step);
        BigDecimal confidence = decisions.isEmpty()
                ? BigDecimal.ONE.setScale(2)
                : certainty.divide(BigDecimal.valueOf(decisions.size()), 2, RoundingMode.HALF_UP);
        return new GradeResult(ID, plain(score), plain(maxScore), confidence, List.copyOf(decisions));
    }

    private PreparedRubric prepare(Rubric rubric) {
        if (rubric.points() == null || rubric.points().isEmpty()) {
            // Storing requires a point, but a pointless rubric still grades: score 0, nothing to doubt.
            return new PreparedRubric(List.of(), false);
        }
        // A point naming no condition would be awarded vacuously, so an invalid rubric is refused, not graded.
        List<Problem.FieldError> errors = RubricValidator.validateRubric(rubric);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid rubric: " + errors);
        }
        List<PreparedPoint> points = new ArrayList<>(rubric.points().size());
        boolean needsNumbers = false;
        for (ScoringPoint point : rubric.points()) {
            Match match = point.match();
            NumericMatch numeric = match.numeric();
            NumericRange range = numeric == null ? null
                    : new NumericRange(numeric.value().subtract(numeric.tolerance()),
                            numeric.value().add(numeric.tolerance()));
            needsNumbers |= range != null;
            points.add(new PreparedPoint(point.id(), plain(point.points()), normalizeAll(match.anyOf()),
                    normalizeAll(match.allOf()),
                    match.regex() == null ? null : Pattern.compile(match.regex(), REGEX_FLAGS), range));
        }
        return new PreparedRubric(List.copyOf(points), needsNumbers);
    }

    private static List<String> normalizeAll(List<String> phrases) {
        return phrases == null ? null : phrases.stream().map(TextNormalizer::normalize).toList();
    }

    /** Trailing zeros stripped, but never exponent form: {@code 10}, not {@code 1E+1}. */
    static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Every number in an already normalised text, in order of appearance. */
    static List<NumberToken> numbersIn(String text) {
        List<NumberToken> numbers = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            boolean leadingDot = c == '.' && i + 1 < n && isDigit(text.charAt(i + 1))
                    && (i == 0 || !isDigit(text.charAt(i - 1)));
            if (!isDigit(c) && !leadingDot) {
                i++;
                continue;
            }
            int start = i;
            int end = i;
            StringBuilder digits = new StringBuilder();
            if (isSign(i - 1, text)) {
                start = i - 1;
                digits.append(text.charAt(i - 1) == '+' ? '+' : '-');
            }
            if (!leadingDot) {
                while (end < n && isDigit(text.charAt(end))) {
                    end++;
                }
                digits.append(text, i, end);
                if (end - i <= 3 && text.charAt(i) != '0') {
                    while (isThousandsGroup(text, end)) {
                        digits.append(text, end + 1, end + 4);
                        end += 4;
                    }
                }
            }
            if (end + 1 < n && text.charAt(end) == '.' && isDigit(text.charAt(end + 1))) {
                int fraction = end + 1;
                while (fraction < n && isDigit(text.charAt(fraction))) {
                    fraction++;
                }
                digits.append(text, end, fraction);
                end = fraction;
            }
            if (digits.length() <= MAX_NUMBER_DIGITS + 2) {
                numbers.add(new NumberToken(text.substring(start, end), new BigDecimal(digits.toString())));
            }
            i = end;
        }
        return numbers;
    }

    private static boolean isThousandsGroup(String text, int comma) {
        int n = text.length();
        return comma + 3 < n && text.charAt(comma) == ','
                && isDigit(text.charAt(comma + 1)) && isDigit(text.charAt(comma + 2)) && isDigit(text.charAt(comma + 3))
                && (comma + 4 == n || !isDigit(text.charAt(comma + 4)));
    }

    private static boolean isSign(int index, String text) {
        if (index < 0) {
            return false;
        }
        char c = text.charAt(index);
        // U+2212 MINUS SIGN survives NFKC, so it is accepted next to the ASCII signs.
        if (c != '-' && c != '+' && c != '\u2212') {
            return false;
        }
        if (index == 0) {
            return true;
        }
        char before = text.charAt(index - 1);
        boolean operand = (before >= 'a' && before <= 'z') || isDigit(before) || before == ')' || before == ']';
        return !operand;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String clip(String fragment) {
        return fragment.length() <= MAX_EVIDENCE_FRAGMENT ? fragment
                : fragment.substring(0, MAX_EVIDENCE_FRAGMENT) + "…";
    }

    /** A number found in the answer: its text as written (for evidence) and its exact value. */
    record NumberToken(String text, BigDecimal value) {
    }

    private record NumericRange(BigDecimal lower, BigDecimal upper) {

        boolean contains(BigDecimal number) {
            return number.compareTo(lower) >= 0 && number.compareTo(upper) <= 0;
        }
    }

    /** A question compiled for grading: its scale and its prepared rubric. */
    public record PreparedQuestion(BigDecimal maxScore, BigDecimal step, PreparedRubric rubric) {
    }

    record PreparedRubric(List<PreparedPoint> points, boolean needsNumbers) {
    }

    private record Evaluation(boolean awarded, boolean partial, String evidence) {
    }

    /**
     * Java's regex engine recurses on grouped alternations, so a long answer can overflow the stack
     * before the work budget runs out; either way only this submission fails.
     */
    private static boolean find(Matcher matcher) {
        try {
            return matcher.find();
        } catch (StackOverflowError e) {
            throw new BudgetedText.RegexBudgetExceededException();
        }
    }

    /** A scoring point with its phrases normalised and its regex compiled once per rubric. */
    record PreparedPoint(String id, BigDecimal points, List<String> anyOf, List<String> allOf,
            Pattern regex, NumericRange numeric) {

        Evaluation evaluate(String text, List<NumberToken> numbers) {
            List<String> evidence = new ArrayList<>(2);
            int named = 0;
            int held = 0;
            boolean partial = false;
            if (anyOf != null) {
                named++;
                for (String phrase : anyOf) {
                    if (text.contains(phrase)) {
                        evidence.add(phrase);
                        held++;
                        break;
                    }
                }
            }
            if (allOf != null) {
                named++;
                int found = 0;
                for (String phrase : allOf) {
                    if (text.contains(phrase)) {
                        evidence.add(phrase);
                        found++;
                    }
                }
                if (found == allOf.size()) {
                    held++;
                } else if (found > 0) {
                    partial = true;
                }
            }
            if (regex != null) {
                named++;
                Matcher matcher = regex.matcher(new BudgetedText(text, BudgetedText.DEFAULT_BUDGET));
                if (find(matcher)) {
                    evidence.add(clip(matcher.group()));
                    held++;
                }
            }
            if (numeric != null) {
                named++;
                for (NumberToken number : numbers) {
                    if (numeric.contains(number.value())) {
                        evidence.add(clip(number.text()));
                        held++;
                        break;
                    }
                }
            }
            partial |= held > 0 && held < named;
            return new Evaluation(held == named, partial, evidence.isEmpty() ? null
                    : String.join(EVIDENCE_SEPARATOR, evidence));
        }
    }
}
