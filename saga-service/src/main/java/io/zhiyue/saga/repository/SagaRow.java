package io.zhiyue.saga.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.saga.model.SagaState;
import io.zhiyue.shared.saga.SagaCommand;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A saga's row as the coordinator works on it, inside the transaction that holds its lock: the coordinator changes
 * the fields, then {@link SagaRepository#update} writes them back.
 */
public final class SagaRow {

    public final UUID id;
    public final String tenant;
    public final String definition;
    public final int definitionVersion;
    public final String requestKey;
    public final JsonNode data;
    public final ObjectNode results;
    public final String startedBy;
    public final OffsetDateTime createdAt;
    public SagaState state;
    public int step;
    public SagaCommand.Kind kind;
    public int attempt;
    public long token;
    public boolean awaiting;
    public OffsetDateTime dueAt;
    public int completed;
    public boolean cancelRequested;
    public boolean skipped;
    public String error;
    public OffsetDateTime updatedAt;
    public OffsetDateTime endedAt;

    SagaRow(UUID id, String tenant, String definition, int definitionVersion, String requestKey, JsonNode data,
            ObjectNode results, String startedBy, OffsetDateTime createdAt) {
        this.id = id;
        this.tenant = tenant;
        this.definition = definition;
        this.definitionVersion = definitionVersion;
        this.requestKey = requestKey;
        this.data = data;
        this.results = results;
        this.startedBy = startedBy;
        this.createdAt = createdAt;
    }

    /** The next command: a new attempt with a new fencing token (every command of a saga has a higher one). */
    public void next(int nextStep, SagaCommand.Kind nextKind, int nextAttempt) {
        this.step = nextStep;
        this.kind = nextKind;
        this.attempt = nextAttempt;
        this.token = token + 1;
        this.awaiting = false;
    }

    public void end(SagaState endState) {
        this.state = endState;
        this.awaiting = false;
        this.dueAt = null;
    }
}
