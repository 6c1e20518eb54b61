package io.zhiyue.grading.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.error.Problem.FieldError;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks every way of marking shares (review marks, teacher marks, group marks, allocations):
 * who marked, and the note that goes with a mark. Each answers the problem with the value, null
 * when there is none, so callers report it as a field error or as a row's problem.
 */
final class MarkFields {

    static final int MAX_MARKER_ID = 64;
    /** A comment or a reason. */
    static final int MAX_NOTE = 2_000;
    /** Decisions in a mark's {@code points}: far more than any rubric has points. */
    static final int MAX_POINTS = 200;

    private MarkFields() {
    }

    /** The field errors of what every mark has: a score, who marked, and a note under its own name. */
    static List<FieldError> markErrors(BigDecimal score, String markerId, String noteField, String note) {
        List<FieldError> errors = new ArrayList<>();
        if (score == null) {
            errors.add(new FieldError("score", "is required"));
        }
        add(errors, "markerId", markerProblem(markerId));
        add(errors, noteField, noteProblem(note));
        return errors;
    }

    /** Adds {@code problem} (null: none) as the field's error. */
    static void add(List<FieldError> errors, String field, String problem) {
        if (problem != null) {
            errors.add(new FieldError(field, problem));
        }
    }

    static String markerProblem(String markerId) {
        if (markerId == null || markerId.isBlank()) {
            return "is required";
        }
        // before any trimming, which would strip a trailing NUL (trim removes everything up to U+0020)
        if (markerId.indexOf('\u0000') >= 0) {
            return "must not contain the NUL character";
        }
        return markerId.trim().length() > MAX_MARKER_ID ? "is longer than " + MAX_MARKER_ID + " characters" : null;
    }

    static String noteProblem(String note) {
        if (note == null) {
            return null;
        }
        if (note.indexOf('\u0000') >= 0) {
            return "must not contain the NUL character";
        }
        return note.length() > MAX_NOTE ? "is longer than " + MAX_NOTE + " characters" : null;
    }

    /** Per-point decisions given with a mark: an array, kept as given, of a bounded size, no NUL. */
    static String pointsProblem(JsonNode points) {
        if (points == null || points.isNull()) {
            return null;
        }
        if (!points.isArray()) {
            return "must be an array of {id, awarded}";
        }
        if (points.size() > MAX_POINTS) {
            return "holds more than " + MAX_POINTS + " decisions";
        }
        return containsNul(points) ? "must not contain the NUL character" : null;
    }

    /** Whether any text or field name in the JSON holds NUL, which PostgreSQL's jsonb cannot store. */
    static boolean containsNul(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return node.asText().indexOf('\u0000') >= 0;
        }
        var fields = node.fieldNames();
        while (fields.hasNext()) {
            if (fields.next().indexOf('\u0000') >= 0) {
                return true;
            }
        }
        for (JsonNode child : node) {
            if (containsNul(child)) {
                return true;
            }
        }
        return false;
    }
}
