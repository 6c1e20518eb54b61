package io.zhiyue.checkpoint.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A stored checkpoint as the API shows it; {@code state} is the full reconstructed state (left out
 * of lists). {@code dataSizeBytes} is what the row stores (a delta, maybe compressed),
 * {@code stateSizeBytes} the full state's JSON size, {@code sha256} the full state's hash.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Checkpoint(UUID id, UUID threadId, String namespace, UUID parentId, JsonNode metadata,
        boolean isDelta, UUID baseCheckpointId, int deltaDepth, boolean isCompressed, int dataSizeBytes,
        int stateSizeBytes, String sha256, OffsetDateTime createdAt, JsonNode state) {

    public Checkpoint withState(JsonNode full) {
        return new Checkpoint(id, threadId, namespace, parentId, metadata, isDelta, baseCheckpointId, deltaDepth,
                isCompressed, dataSizeBytes, stateSizeBytes, sha256, createdAt, full);
    }
}
