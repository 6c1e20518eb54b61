package io.zhiyue.checkpoint.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/**
 * A checkpoint to store: its {@code state} (a JSON object), optional {@code metadata} (a JSON
 * object, filterable) and optional {@code parentId} (default: the thread's latest checkpoint in
 * the namespace; a historic one starts a new branch).
 */
@RegisterForReflection
public record CheckpointPut(UUID parentId, JsonNode metadata, JsonNode state) {
}
