package io.zhiyue.grading.grader;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetedTextTest {

    @Test
    void ordinaryPatternsMatchWithinTheBudget() {
        assertThat(Pattern.compile("b+c").matcher(new BudgetedText("aabbbc", 100)).find()).isTrue();
    }

    @Test
    void catastrophicBacktrackingFailsInsteadOfRunningForever() {
        String answer = "a".repeat(30) + "!";
        Pattern evil = Pattern.compile("((a+)+)+$");
        assertThatThrownBy(() -> evil.matcher(new BudgetedText(answer, 1_000_000)).find())
                .isInstanceOf(BudgetedText.RegexBudgetExceededException.class);
    }

    @Test
    void graderFailsTheSubmissionRatherThanHanging() {
        Rubric rubric = new Rubric(List.of(new ScoringPoint("evil", "backtracks", BigDecimal.ONE,
                new Match(null, null, "((a+)+)+$", null))));
        GradingQuestion question = new GradingQuestion(BigDecimal.TEN, new BigDecimal("0.5"), rubric);
        assertThatThrownBy(() -> new RuleBasedGrader().grade(question, "a".repeat(30) + "!"))
                .isInstanceOf(BudgetedText.RegexBudgetExceededException.class);
    }

    @Test
    void deepRegexRecursionFailsOnlyThatSubmission() {
        Rubric rubric = new Rubric(List.of(new ScoringPoint("deep", "recursive alternation", BigDecimal.ONE,
                new Match(null, null, "(a|b|\\s)*z", null))));
        GradingQuestion question = new GradingQuestion(BigDecimal.TEN, new BigDecimal("0.5"), rubric);
        RuleBasedGrader grader = new RuleBasedGrader();
        assertThatThrownBy(() -> grader.grade(question, "ab ".repeat(20_000)))
                .isInstanceOf(BudgetedText.RegexBudgetExceededException.class);
        assertThat(grader.grade(question, "ab z").score()).isEqualByComparingTo("1");
    }
}
