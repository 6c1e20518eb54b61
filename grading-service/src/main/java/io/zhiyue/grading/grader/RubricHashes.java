package io.zhiyue.grading.grader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.json.JsonCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SHA-256 hex fingerprints of a rubric over {@link JsonCodec#canonical canonical JSON}, so equal
 * content hashes equally whatever the key order or decimal scale ({@code 1.50} = {@code 1.5}).
 */
public final class RubricHashes {

    private RubricHashes() {
    }

    /** The whole rubric, null fields left out: any edit, even to a description, changes it. */
    public static String contentHash(Rubric rubric) {
        Objects.requireNonNull(rubric, "rubric");
        JsonNode tree = JsonCodec.mapper().valueToTree(rubric);
        return JsonCodec.canonicalSha256Hex(withoutNulls(tree));
    }

    /**
     * Only the ordered {@code [{id, points}]}: unchanged when descriptions or match conditions are
     * edited, changed when a point is added, removed, renamed, re-weighted or moved.
     */
    public static String structureHash(Rubric rubric) {
        Objects.requireNonNull(rubric, "rubric");
        ArrayNode structure = JsonCodec.mapper().createArrayNode();
        if (rubric.points() != null) {
            for (ScoringPoint point : rubric.points()) {
                ObjectNode entry = structure.addObject();
                entry.put("id", point == null ? null : point.id());
                entry.put("points", point == null ? null : point.points());
            }
        }
        return JsonCodec.canonicalSha256Hex(structure);
    }

    /**
     * Only the ordered {@code [{id, match}]}: unchanged when only point values or descriptions are
     * edited, so a result of the older version can be re-scored from its point decisions.
     */
    public static String matchHash(Rubric rubric) {
        Objects.requireNonNull(rubric, "rubric");
        ArrayNode structure = JsonCodec.mapper().createArrayNode();
        if (rubric.points() != null) {
            for (ScoringPoint point : rubric.points()) {
                ObjectNode entry = structure.addObject();
                entry.put("id", point == null ? null : point.id());
                entry.set("match", point == null ? null : withoutNulls(JsonCodec.mapper().valueToTree(point.match())));
            }
        }
        return JsonCodec.canonicalSha256Hex(structure);
    }

    // Only Match declares NON_NULL; dropping nulls everywhere keeps the hash independent of annotations.
    private static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            List<String> nullFields = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (field.getValue().isNull()) {
                    nullFields.add(field.getKey());
                } else {
                    withoutNulls(field.getValue());
                }
            }
            object.remove(nullFields);
        } else if (node.isArray()) {
            node.forEach(RubricHashes::withoutNulls);
        }
        return node;
    }
}
