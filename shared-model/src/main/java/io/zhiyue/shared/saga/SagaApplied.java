package io.zhiyue.shared.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/**
 * A saga whose first step its initiator applied in its own transaction (the change a person made, committed with
 * its outbox entry on {@code zhiyue:saga:starts}): saga-service records that step DONE with {@code result} and runs
 * the rest; a compensation undoes the first step through its participant as for any step. {@code sagaId} is the
 * initiator's (its history names it); {@code requestKey} starts the saga once however often the entry arrives.
 */
@RegisterForReflection
public record SagaApplied(UUID sagaId, String definition, String requestKey, String startedBy, JsonNode data,
        JsonNode result) {
}
