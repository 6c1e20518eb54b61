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
    private final AtomicInteger streaming = new AtomicInteger();

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
        if (streaming.get() >= config.concurrentExplanations()) {
            // checked before the stream opens, so the refusal is a plain 429 problem (two callers
            // at the same moment may both pass: the limit is a soft one)
            return Uni.createFrom().failure(new ZhiyueException(ErrorCode.RATE_LIMITED,
                    config.concurrentExplanations() + " explanations are streaming already; try again shortly"));
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

    /**
     * Streams the explanation; the caller must have {@link #find found} it. The audit record is
     * stored when the stream ends, without holding up a cancellation (the call to the provider is
     * cancelled at once, the record follows).
     */
    public Multi<ExplanationEvent> stream(String tenant, UUID submissionId, Explained explained) {
        streaming.incrementAndGet();
        ChatCompletionRequest request = GradingPrompt.explain(config.model(), config.explanationMaxTokens(),
                explained.question(), explained.answer(), explained.proposedScore(), explained.points());
        // tokens arrive on the client's thread, a cancellation on the caller's: a synchronized buffer
        StringBuffer written = new StringBuffer();
        AtomicReference<LlmClient.Usage> spent = new AtomicReference<>(LlmClient.Usage.NONE);
        AtomicReference<String> outcome = new AtomicReference<>("cancelled");
        return client.stream(request)
                .map(streamed -> {
                    if (streamed.done()) {
                        spent.set(streamed.usage());
                        outcome.set("ok");
                        return ExplanationEvent.done(streamed.usage().in(), streamed.usage().out());
                    }
                    written.append(streamed.token());
                    return ExplanationEvent.token(streamed.token());
                })
                .onFailure().recoverWithItem(failure -> {
                    outcome.set("failed: " + failure.getMessage());
                    Log.warnf("the explanation of submission %s failed: %s", submissionId, failure.getMessage());
                    return ExplanationEvent.error("the LLM provider failed: " + failure.getMessage());
                })
                .onTermination().invoke(() -> {
                    streaming.decrementAndGet();
                    repository.audit(new AuditRecord(tenant, explained.jobId(), submissionId, "explain",
                                    client.provider(), client.model(), LlmProposals.messages(request),
                                    written.toString(), outcome.get(), spent.get().in(), spent.get().out()))
                            .subscribe().with(ignored -> { }, failure -> Log.errorf(
                                    "the audit record of an explanation could not be stored: %s", failure.toString()));
                });
    }
}
