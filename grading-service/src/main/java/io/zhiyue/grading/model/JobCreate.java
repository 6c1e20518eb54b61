package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A new grading job's settings, all optional (the body may be left out): {@code llmTokenBudget}
 * is how many LLM tokens (prompt and completion together) the job may spend; the service's
 * {@code zhiyue.llm.job-token-budget} when left out. {@code reuseResults} (default true): an AI
 * grader's result for an identical answer under the same question version and graders is reused
 * instead of grading it again; false marks every answer afresh and stores nothing for reuse.
 */
@RegisterForReflection
public record JobCreate(Long llmTokenBudget, Boolean reuseResults) {

    /** Far more than any exam spends; above it a typo is more likely than a plan. */
    public static final long MAX_TOKEN_BUDGET = 1_000_000_000_000L;
}
