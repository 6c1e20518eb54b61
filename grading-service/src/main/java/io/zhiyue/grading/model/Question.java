package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zhiyue.grading.grader.Rubric;

import java.math.BigDecimal;
import java.util.UUID;

@RegisterForReflection
public record Question(
        UUID id,
        UUID examId,
        int number,
        String prompt,
        BigDecimal maxScore,
        BigDecimal scoreStep,
        int rubricVersion,
        String contentHash,
        String structureHash,
        Rubric rubric,
        String referenceAnswer,
        Marking marking) {
}
