package io.zhiyue.shared.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/**
 * A participant's answer to a {@link SagaCommand}, on {@code zhiyue:saga:replies}: {@link Outcome#DONE} (with what
 * the step produced), {@link Outcome#FAILED} (the participant refused it; nothing of it was written), or
 * {@link Outcome#STALE} (its fencing token is older than one the participant has seen: not applied).
 */
@RegisterForReflection
public record SagaReply(UUID sagaId, int step, SagaCommand.Kind kind, int attempt, long fencingToken,
        String participant, Outcome outcome, String error, JsonNode result) {

    public enum Outcome {
        DONE, FAILED, STALE
    }

    public static SagaReply to(SagaCommand command, String participant, Outcome outcome, String error,
            JsonNode result) {
        return new SagaReply(command.sagaId(), command.step(), command.kind(), command.attempt(),
                command.fencingToken(), participant, outcome, error, result);
    }
}
