package io.zhiyue.saga.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A saga as operators see it: its definition and version, state, the command in flight or next ({@code step},
 * {@code stepName}, {@code kind}, {@code attempt}), what it carries and what its steps produced, every command
 * attempt, and what operators did to it. {@code steps} and {@code actions} are left out of lists.
 */
@RegisterForReflection
public record Saga(UUID id, String definition, int definitionVersion, SagaState state, int step, String stepName,
        String kind, int attempt, boolean awaiting, int completed, boolean cancelRequested, String startedBy,
        String error, JsonNode data, JsonNode results, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        OffsetDateTime endedAt, List<Attempt> steps, List<Action> actions) {

    /** One command sent to a participant and what became of it. */
    @RegisterForReflection
    public record Attempt(int step, String name, String participant, String kind, int attempt, long fencingToken,
            String outcome, String error, JsonNode result, boolean late, OffsetDateTime sentAt,
            OffsetDateTime repliedAt, Long durationMs) {
    }

    /** An operator's action on a parked saga. */
    @RegisterForReflection
    public record Action(String action, int step, String reason, String actor, OffsetDateTime at) {
    }

    public Saga withDetails(List<Attempt> attempts, List<Action> done) {
        return new Saga(id, definition, definitionVersion, state, step, stepName, kind, attempt, awaiting, completed,
                cancelRequested, startedBy, error, data, results, createdAt, updatedAt, endedAt, attempts, done);
    }
}
