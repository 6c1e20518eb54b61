package io.zhiyue.grading.llm;

import io.zhiyue.grading.grader.Rubric;

import java.math.BigDecimal;
import java.util.UUID;

/** What the LLM is told about a question version: its text, reference answer, scale and rubric points. */
public record LlmQuestion(UUID rubricId, String prompt, String referenceAnswer, BigDecimal maxScore,
        BigDecimal scoreStep, Rubric rubric) {
}
