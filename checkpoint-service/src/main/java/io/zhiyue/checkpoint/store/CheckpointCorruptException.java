package io.zhiyue.checkpoint.store;

import java.util.UUID;

/**
 * A stored checkpoint cannot be turned back into its exact state: a payload that does not inflate,
 * a patch that does not apply, or a reconstructed state whose hash differs from the one recorded.
 * It names the checkpoint so the caller gets {@code CHECKPOINT_CORRUPT} about a specific row,
 * never an empty or partial state.
 */
public class CheckpointCorruptException extends RuntimeException {

    private final UUID checkpointId;
    private final String reason;

    public CheckpointCorruptException(UUID checkpointId, String reason) {
        this(checkpointId, reason, null);
    }

    public CheckpointCorruptException(UUID checkpointId, String reason, Throwable cause) {
        super("checkpoint " + checkpointId + " is corrupt: " + reason, cause);
        this.checkpointId = checkpointId;
        this.reason = reason;
    }

    public UUID checkpointId() {
        return checkpointId;
    }

    public String reason() {
        return reason;
    }
}
