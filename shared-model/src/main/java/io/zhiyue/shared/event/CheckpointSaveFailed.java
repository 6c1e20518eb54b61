package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of SYSTEM_STATUS when checkpoint-service could not store a checkpoint after its retries:
 * the state waits in {@code failed_saves} for an operator. On the {@code system} channel.
 */
@RegisterForReflection
public record CheckpointSaveFailed(
        String status,
        UUID threadId,
        String namespace,
        UUID checkpointId,
        int attempts,
        String error,
        Instant at) {

    public static final String STATUS = "CHECKPOINT_SAVE_FAILED";
}
