package io.zhiyue.shared.saga;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.Objects;
import java.util.UUID;

/**
 * A step of a saga sent to its participant on {@code zhiyue:saga:commands:<participant>}: do the step
 * ({@link Kind#FORWARD}), undo it ({@link Kind#COMPENSATE}), or clean up after an attempt whose reply never came
 * ({@link Kind#CLEANUP}: undo it if it landed, and make sure it never lands later). {@code fencingToken} grows with
 * every command the coordinator sends for the saga: a participant refuses a command older than one it has seen, so
 * a forward write that arrives after its timeout's cleanup does not land. {@code tenantId}: the saga's tenant, whose
 * data the step may touch.
 */
@RegisterForReflection
public record SagaCommand(UUID sagaId, String tenantId, String definition, int definitionVersion, int step,
        String name, Kind kind, int attempt, long fencingToken, JsonNode data) {

    public enum Kind {
        FORWARD, COMPENSATE, CLEANUP
    }

    public SagaCommand {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * The idempotency key: {@code sagaId:step:attempt} for a forward attempt, with {@code c} (compensation) or
     * {@code x} (cleanup) before the attempt for the others.
     */
    @JsonIgnore
    public String key() {
        return sagaId + ":" + step + ":" + switch (kind) {
            case FORWARD -> "";
            case COMPENSATE -> "c";
            case CLEANUP -> "x";
        } + attempt;
    }

    /** The prefix of every forward attempt's key of this step (a cleanup asks whether one landed). */
    @JsonIgnore
    public String forwardKeyPrefix() {
        return sagaId + ":" + step + ":";
    }
}
