package io.zhiyue.e2e;

import io.zhiyue.e2e.driver.Csv;
import io.zhiyue.e2e.driver.Question;
import io.zhiyue.e2e.driver.SampleExam;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample answers must mean what their plan says: read with DESIGN.md's matching rules, each
 * answer earns exactly the points it was planned to earn. Otherwise the end-to-end test would
 * compare the grader with a wrong expectation.
 */
class SampleExamTest {

    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

    private final SampleExam exam = SampleExam.generate(2_000, 11L);

    @Test
    void everyAnswerEarnsExactlyThePlannedPoints() {
        for (SampleExam.Answer answer : exam.answers()) {
            Question question = exam.questions().get(answer.questionNumber() - 1);
            String text = normalise(answer.text());
            Set<String> earned = new LinkedHashSet<>();
            BigDecimal sum = BigDecimal.ZERO;
            for (Question.ScoringPoint point : question.rubric().points()) {
                if (matches(point.match(), text)) {
                    earned.add(point.id());
                    sum = sum.add(point.points());
                }
            }
            assertThat(earned).as("points earned by %s", answer).isEqualTo(answer.earnedPoints());
            BigDecimal score = sum.max(BigDecimal.ZERO).min(question.maxScore())
                    .divide(question.scoreStep(), 0, RoundingMode.FLOOR).multiply(question.scoreStep());
            assertThat(score).as("score of %s", answer).isEqualByComparingTo(answer.expectedScore());
        }
    }

    @Test
    void answersExerciseNormalisationDeductionsClampingAndRounding() {
        List<SampleExam.Answer> answers = exam.answers();
        assertThat(answers).anyMatch(a -> a.text().chars().anyMatch(c -> c >= 0xFF01 && c <= 0xFF5E));
        assertThat(answers).anyMatch(a -> a.text().contains("\n"));
        assertThat(answers).anyMatch(a -> a.text().contains("\"") && a.text().contains(","));
        assertThat(answers).anyMatch(a -> a.earnedPoints().contains("misconception")
                && a.expectedScore().signum() == 0);
        // question 5: 1.5 points round down to 1, three points worth 4.5 clamp to 4
        assertThat(answers).anyMatch(a -> a.questionNumber() == 5 && a.earnedPoints().size() == 1
                && a.expectedScore().compareTo(BigDecimal.ONE) == 0);
        assertThat(answers).anyMatch(a -> a.questionNumber() == 5 && a.earnedPoints().size() == 3
                && a.expectedScore().compareTo(new BigDecimal("4")) == 0);
    }

    @Test
    void csvRoundTripsEveryAnswer() {
        List<List<String>> records = Csv.parse(exam.csv());
        assertThat(records.getFirst()).containsExactly("student_id", "question_number", "answer");
        assertThat(records).hasSize(exam.size() + 1);
        for (int i = 0; i < exam.size(); i++) {
            SampleExam.Answer answer = exam.answers().get(i);
            assertThat(records.get(i + 1)).containsExactly(answer.studentId(),
                    Integer.toString(answer.questionNumber()), answer.text());
        }
        assertThat(exam.csvChunks(3_000)).hasSize(4);
    }

    @Test
    void sameSeedGivesTheSameExam() {
        assertThat(SampleExam.generate(2_000, 11L).csv()).isEqualTo(exam.csv());
        assertThat(SampleExam.generate(2_000, 12L).csv()).isNotEqualTo(exam.csv());
    }

    private static String normalise(String answer) {
        return Normalizer.normalize(answer, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).trim()
                .replaceAll("\\s+", " ");
    }

    private static boolean matches(Question.Match match, String text) {
        boolean any = match.anyOf() == null || match.anyOf().stream().anyMatch(text::contains);
        boolean all = match.allOf() == null || match.allOf().stream().allMatch(text::contains);
        boolean regex = match.regex() == null || Pattern.compile(match.regex()).matcher(text).find();
        boolean numeric = match.numeric() == null || containsNumberNear(text, match.numeric());
        return any && all && regex && numeric;
    }

    private static boolean containsNumberNear(String text, Question.NumericMatch numeric) {
        Matcher numbers = NUMBER.matcher(text);
        while (numbers.find()) {
            BigDecimal n = new BigDecimal(numbers.group());
            if (n.subtract(numeric.value()).abs().compareTo(numeric.tolerance()) <= 0) {
                return true;
            }
        }
        return false;
    }
}
