package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import com.flipkart.zjsonpatch.JsonPatch;

import java.util.EnumSet;

/**
 * The delta codec: an RFC 6902 JSON Patch from a parent's state to its child's. A checkpoint
 * usually changes a small part of a large state (one more LLM response, one more embedding batch),
 * so storing the patch instead of the state keeps a thread's storage near the size of what changed.
 */
public final class StateDelta {

    /*
     * zjsonpatch by default folds a remove plus an add of an equal value into "move", and an add of
     * a value found elsewhere into "copy". Those ops point at paths as they are mid-patch, which is
     * where its known index bugs live, and the gain is small for checkpoint states; plain
     * add/remove/replace round-trips exactly. Removed values are omitted: apply does not need them.
     */
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(
            DiffFlags.OMIT_MOVE_OPERATION,
            DiffFlags.OMIT_COPY_OPERATION,
            DiffFlags.OMIT_VALUE_ON_REMOVE);

    private StateDelta() {
    }

    /** The patch that turns {@code parent} into {@code state}; an empty array when they are equal. */
    public static JsonNode diff(JsonNode parent, JsonNode state) {
        JsonNode patch = JsonDiff.asJson(parent, state, FLAGS);
        if (targetsTildeDigitKey(patch)) {
            return replaceWhole(state);
        }
        // the patch's values are the target's own nodes: copy so a later edit of the state cannot change it
        return patch.deepCopy();
    }

    /**
     * {@code base} with {@code patch} applied; neither argument is modified.
     *
     * @throws IllegalArgumentException when the patch is malformed or does not fit {@code base}
     */
    public static JsonNode apply(JsonNode base, JsonNode patch) {
        try {
            // zjsonpatch copies the base but links the patch's values into the result: copy them too
            return JsonPatch.apply(patch.deepCopy(), base);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("patch does not apply: " + e.getMessage(), e);
        }
    }

    /*
     * zjsonpatch 0.4.16 unescapes the last token of a JSON Pointer twice when applying, so a key
     * holding a literal "~0" or "~1" (escaped "~00", "~01") lands on "~" or "/" instead. Its diffs
     * are right, so such a patch is replaced by a whole-state "replace": still RFC 6902, exact with
     * this and any fixed version, and rare (checkpoint keys are ids and field names).
     */
    private static boolean targetsTildeDigitKey(JsonNode patch) {
        for (JsonNode op : patch) {
            String path = op.path("path").asText();
            String lastToken = path.substring(path.lastIndexOf('/') + 1);
            if (lastToken.contains("~00") || lastToken.contains("~01")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode replaceWhole(JsonNode state) {
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        patch.addObject().put("op", "replace").put("path", "").set("value", state.deepCopy());
        return patch;
    }
}
