package io.zhiyue.grading.grader;

import java.math.BigDecimal;

/** What a grader needs to know about a question: its scale and its frozen rubric. */
public record GradingQuestion(BigDecimal maxScore, BigDecimal scoreStep, Rubric rubric) {
}
