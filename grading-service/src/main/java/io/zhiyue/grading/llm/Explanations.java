package io.zhiyue.grading.llm;

import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.LlmRepository;
import io.zhiyue.grading.repository.LlmRepository.AuditRecord;
import io.zhiyue.grading.repository.LlmRepository.Explained;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The LLM's explanation of a submission's latest proposal, streamed as the model writes it. What
 * was written is kept for the audit with the prompt when the stream ends, however it ends (done,
 * failed, or cancelled because the client went away: then the call to the provider is cancelled
 * too). The model writes at most {@code zhiyue.llm.explanation-max-tokens}, which bounds what one
 * stream holds.
 */
@ApplicationScoped
public class Explanations {

    private final LlmClient client;
    private final LlmRepository repository;
    private final LlmConfig config;

    public Explanations(LlmClient client, LlmRepository repository, LlmConfig config) {
        this.client = client;
        this.repository = repository;
        this.config = config;
    }

    /** What is to be explained; fails with a 4xx when there is nothing to explain or no LLM to explain it. */
    public Uni<Explained> find(String tenant, UUID submissionId) {
        if (!client.offered()) {
            return Uni.createFrom().failure(new ZhiyueException(ErrorCode.RECORD_NOT_FOUND,
                    "no LLM is configured, so there are no explanations"));
        }
        if (!client.serves(tenant)) {
            return Uni.createFrom().failure(new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR,
                    "tenant " + tenant + " has not opted in to the external LLM provider"));
        }
        return repository.explained(tenant, submissionId).map(explained -> {
            if (explained == null) {
                throw new ZhiyueException(ErrorCode.RECORD_NOT_FOUND,
                        "submission " + submissionId + " has no graded answer to explain");
            }
            if (explained.proposedScore() == null) {
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE,
                        "submission " + submissionId + " has no proposed score to explain");
            }
            return explained;
        });
    }

    public Multi<ExplanationEvent> stream(String tenant, UUID submissionId, Explained explained) {
        ChatCompletionRequest request = GradingPrompt.explain(config.model(), config.explanationMaxTokens(),
                explained.question(), explained.answer(), explained.proposedScore());
        StringBuilder written = new StringBuilder();
        AtomicInteger tokensIn = new AtomicInteger();
        AtomicInteger tokensOut = new AtomicInteger();
        AtomicReference<String> outcome = new AtomicReference<>("cancelled");
        return client.stream(request)
                .map(streamed -> {
                    if (streamed.done()) {
                        tokensIn.set(streamed.tokensIn());
                        tokensOut.set(streamed.tokensOut());
                        outcome.set("ok");
                        return ExplanationEvent.done(streamed.tokensIn(), streamed.tokensOut());
                    }
                    written.append(streamed.token());
                    return ExplanationEvent.token(streamed.token());
                })
                .onFailure().recoverWithItem(failure -> {
                    outcome.set("failed: " + failure.getMessage());
                    Log.warnf("the explanation of submission %s failed: %s", submissionId, failure.getMessage());
                    return ExplanationEvent.error("the LLM provider failed: " + failure.getMessage());
                })
                .onTermination().call(() -> repository.audit(List.of(new AuditRecord(tenant, explained.jobId(),
                                submissionId, "explain", client.provider(), client.model(),
                                LlmProposals.messages(request), written.toString(), outcome.get(), tokensIn.get(),
                                tokensOut.get())))
                        .onFailure().recoverWithItem(failure -> {
                            Log.errorf("the audit record of an explanation could not be stored: %s", failure);
                            return null;
                        }));
    }
}
