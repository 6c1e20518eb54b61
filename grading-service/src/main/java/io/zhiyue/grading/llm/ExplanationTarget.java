package io.zhiyue.grading.llm;

import io.zhiyue.grading.repository.LlmRepository.Explained;

import java.util.UUID;

/** What an explanation stream explains: the submission and its graded outcome, once {@link Explanations#find found}. */
public record ExplanationTarget(UUID submissionId, Explained explained) {
}
