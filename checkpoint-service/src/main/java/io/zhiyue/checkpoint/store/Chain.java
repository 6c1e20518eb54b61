package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.UUID;

/**
 * Reconstruction of a checkpoint's state from its base snapshot and the deltas after it. A broken
 * link is reported as {@link CheckpointCorruptException} naming the checkpoint, never papered over
 * with an empty or partial state (the weakness of LangGraph's delta channels this store avoids).
 */
public final class Chain {

    /** The full state a chain starts from, with the hash recorded when it was put. */
    public record Snapshot(UUID checkpointId, JsonNode state, String sha256) {
    }

    /** One delta: the patch from its parent's state to its own, and the hash of its own full state. */
    public record Link(UUID checkpointId, JsonNode patch, String sha256) {
    }

    private Chain() {
    }

    /**
     * The state of the last link (or of the snapshot when there are no links). Neither the
     * snapshot's state nor the patches are modified: the snapshot is copied once and the patches
     * applied to the copy in place.
     *
     * <p>Only the target's hash is checked on the way: the state returned is the one recorded at
     * put (short of a SHA-256 collision) whatever happened along the chain, so hashing more would
     * only cost time on every read. When the chain fails, the snapshot is checked too, so the error
     * names the snapshot when it is the snapshot that is damaged. Damage to a snapshot that later
     * patches overwrite (or a whole-state replace) still rebuilds the right state and is not
     * reported; reading the snapshot itself reports it.
     *
     * @param links ordered from the snapshot's child to the target
     * @throws CheckpointCorruptException naming the snapshot, the delta whose patch does not apply,
     *                                    or the target whose reconstructed state has another hash
     */
    public static JsonNode reconstruct(Snapshot snapshot, List<Link> links) {
        if (links.isEmpty()) {
            verify(snapshot.checkpointId(), snapshot.state(), snapshot.sha256(), "snapshot");
            return snapshot.state();
        }
        try {
            JsonNode state = snapshot.state().deepCopy();
            for (Link link : links) {
                state = applyLink(state, link);
            }
            Link target = links.getLast();
            verify(target.checkpointId(), state, target.sha256(), "state rebuilt from snapshot "
                    + snapshot.checkpointId() + " and " + links.size() + " deltas");
            return state;
        } catch (CheckpointCorruptException e) {
            verify(snapshot.checkpointId(), snapshot.state(), snapshot.sha256(), "snapshot");
            throw e;
        }
    }

    /**
     * Whether the next checkpoint is stored whole, which bounds every chain to
     * {@code snapshotEvery} deltas; 0 stores every checkpoint whole.
     *
     * @param deltasSinceSnapshot deltas between the parent's base snapshot and the new checkpoint's
     *                            parent, counting the parent (0 when the parent is a snapshot)
     */
    public static boolean snapshotDue(int deltasSinceSnapshot, int snapshotEvery) {
        if (deltasSinceSnapshot < 0 || snapshotEvery < 0) {
            throw new IllegalArgumentException("counts must be >= 0: deltasSinceSnapshot="
                    + deltasSinceSnapshot + ", snapshotEvery=" + snapshotEvery);
        }
        return deltasSinceSnapshot >= snapshotEvery;
    }

    private static JsonNode applyLink(JsonNode state, Link link) {
        if (link.patch() == null || !link.patch().isArray()) {
            throw new CheckpointCorruptException(link.checkpointId(), "its delta is not a JSON Patch array");
        }
        try {
            return StateDelta.applyInPlace(state, link.patch());
        } catch (IllegalArgumentException e) {
            throw new CheckpointCorruptException(link.checkpointId(), "its delta does not apply to its parent's state: "
                    + e.getMessage(), e);
        }
    }

    private static void verify(UUID checkpointId, JsonNode state, String expectedSha256, String what) {
        String actual = StateHash.of(state);
        if (!actual.equalsIgnoreCase(expectedSha256 == null ? "" : expectedSha256)) {
            throw new CheckpointCorruptException(checkpointId,
                    what + " hashes to " + actual + ", " + expectedSha256 + " was recorded");
        }
    }
}
