package io.zhiyue.grading.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The LLM grader's provider and limits (env: {@code ZHIYUE_LLM_BASE_URL}, {@code ZHIYUE_LLM_MODEL},
 * {@code ZHIYUE_LLM_API_KEY}, …). Without a base URL the grader is not offered at all.
 */
@ConfigMapping(prefix = "zhiyue.llm")
public interface LlmConfig {

    /** An OpenAI-compatible API, e.g. {@code http://vllm.school.internal:8000/v1}; empty: no LLM grader. */
    Optional<String> baseUrl();

    @WithDefault("default")
    String model();

    Optional<String> apiKey();

    /**
     * Whether the provider is outside the school's own data centre (a contracted provider): then
     * only the tenants in {@link #optedInTenants()} have their answers sent to it. A model the
     * school runs itself (Ollama, vLLM) is declared with {@code false}.
     */
    @WithDefault("true")
    boolean external();

    /** The tenants that agreed to an external provider (comma separated). */
    Optional<List<String>> optedInTenants();

    /** Tokens (in + out) a grading job may spend; the job's answers past it go to people. */
    @WithDefault("2000000")
    long jobTokenBudget();

    /** How long one call may take, reading included; a stalled provider counts as unavailable. */
    @WithDefault("PT60S")
    Duration timeout();

    /**
     * How long a batch's LLM calls may take in all; what is not answered by then goes to people. It
     * must stay well under the stream's processing timeout (2 minutes), or the batch would be
     * delivered again and its calls paid for twice.
     */
    @WithDefault("PT90S")
    Duration batchDeadline();

    /** Explanations streaming at once per process; one more is refused with 429 until one ends. */
    @WithDefault("8")
    int concurrentExplanations();

    /** Prompts and responses kept for audit this long, then deleted. */
    @WithDefault("P180D")
    Duration auditRetention();

    /** The most an LLM's own confidence counts for: it is not calibrated on the school's marks. */
    @WithDefault("0.8")
    double maxConfidence();

    /** The answer a grading call may write, in tokens. */
    @WithDefault("800")
    int gradeMaxTokens();

    /** The explanation a streamed call may write, in tokens: it bounds what one stream holds. */
    @WithDefault("400")
    int explanationMaxTokens();
}
