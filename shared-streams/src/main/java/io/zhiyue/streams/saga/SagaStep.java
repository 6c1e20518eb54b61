package io.zhiyue.streams.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.streams.outbox.OutboxEvents;

/**
 * What a participant does for one named saga step, inside the transaction {@link SagaParticipant} opens (with the
 * outbox, the fence and the idempotency key): its writes, its events and its reply commit together or not at all.
 * Throw {@link SagaStepRefused} to refuse the step (the saga compensates); any other failure is taken for a
 * passing one and the command is delivered again.
 */
public interface SagaStep {

    /** Does the step; answers what the coordinator may pass to later steps (null: nothing). */
    Uni<JsonNode> forward(SqlConnection tx, OutboxEvents events, SagaCommand command);

    /**
     * Undoes a forward attempt of the step that landed; {@code command.data()} is the forward command's data.
     * Steps that are never compensated (a pivot, a retriable step) keep this default.
     */
    default Uni<JsonNode> compensate(SqlConnection tx, OutboxEvents events, SagaCommand command) {
        return Uni.createFrom().failure(new SagaStepRefused("step " + command.name() + " has no compensation"));
    }
}
