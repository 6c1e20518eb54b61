package io.zhiyue.grading.model;

import io.zhiyue.grading.grader.Rubric;

import java.math.BigDecimal;

public record QuestionCreate(Integer number, String prompt, BigDecimal maxScore, BigDecimal scoreStep, Rubric rubric) {
}
