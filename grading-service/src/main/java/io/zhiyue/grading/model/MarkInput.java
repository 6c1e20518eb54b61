package io.zhiyue.grading.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;

/**
 * One teacher mark, from a JSON array element or a CSV row: the score of a student's answer to a
 * question, with who gave it; {@code points} (the per-point decisions, kept as given) and
 * {@code comment} are optional.
 */
public record MarkInput(String studentId, Integer questionNumber, BigDecimal score, JsonNode points,
        String markerId, String comment) {
}
