package io.zhiyue.grading.llm;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One event of a streamed explanation: {@code token} (its {@code text} as the model wrote it, a
 * leading space included), then one {@code done} with the call's tokens, or one {@code error} when
 * the provider failed mid-way (what came before it stands).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExplanationEvent(String type, String text, Integer tokensIn, Integer tokensOut, String detail) {

    static ExplanationEvent token(String text) {
        return new ExplanationEvent("token", text, null, null, null);
    }

    static ExplanationEvent done(int tokensIn, int tokensOut) {
        return new ExplanationEvent("done", null, tokensIn, tokensOut, null);
    }

    static ExplanationEvent error(String detail) {
        return new ExplanationEvent("error", null, null, null, detail);
    }
}
