package io.zhiyue.grading.model;

import io.zhiyue.grading.grader.Rubric;

import java.math.BigDecimal;

/** A new question; {@code rubric} may be left out in {@code ai} marking mode, {@code marking} altogether (rule). */
public record QuestionCreate(Integer number, String prompt, BigDecimal maxScore, BigDecimal scoreStep, Rubric rubric,
        String referenceAnswer, Marking marking) {
}
