package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.UUID;

/**
 * The AI's quality on each ai-mode question of an exam (DESIGN.md "Marking"), from blind checks
 * only: double marks and the audit sample of AUTO_ACCEPTED answers. {@code checked}: blind checks
 * in all; {@code checkedSinceAutoAcceptOn}: those since a teacher last turned auto-accept on, which
 * the alert looks at; {@code alert}: those checks say auto-accept must stop (adjacent agreement
 * under 90 % over at least 30). A figure with nothing to divide by is null.
 */
@RegisterForReflection
public record QuestionQuality(UUID examId, List<Question> questions) {

    @RegisterForReflection
    public record Question(UUID questionId, int questionNumber, boolean autoAcceptEnabled, int checked,
            Double kappa, Double exactAgreement, Double adjacentAgreement, Double bias, Double autoAcceptRate,
            Double overrideRate, int checkedSinceAutoAcceptOn, boolean alert) {
    }
}
