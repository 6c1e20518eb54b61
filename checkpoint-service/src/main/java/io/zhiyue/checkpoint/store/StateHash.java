package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;

/**
 * The SHA-256 recorded with every checkpoint, taken over the canonical JSON of the full state, so a
 * state that went through a delta chain, a compression round and a database column hashes the same
 * as the state the caller put, whatever order its keys come back in.
 */
public final class StateHash {

    private StateHash() {
    }

    /** Lower-case hex; numerically equal numbers ({@code 1.5}, {@code 1.50}) hash alike. */
    public static String of(JsonNode state) {
        return JsonCodec.canonicalSha256Hex(state);
    }
}
