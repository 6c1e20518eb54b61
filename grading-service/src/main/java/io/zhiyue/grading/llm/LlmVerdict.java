package io.zhiyue.grading.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.PointDecision;
import io.zhiyue.grading.grader.ScoringPoint;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.shared.json.JsonCodec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LLM's reply, checked before anything of it counts. Malformed — not one JSON object, a score
 * missing, outside 0…maximum or off the step, a point the rubric does not have — means the reply
 * is unusable ({@link Malformed}). Otherwise each awarded point must quote the answer: evidence
 * that does not occur in it (compared as normalised text) leaves the point not awarded. With
 * rubric points the proposal is the sum of the points that stand (within 0…maximum, down to the
 * step); without, the LLM's score. The confidence is the LLM's own, capped (it is not calibrated
 * on the school's marks), and lowered in proportion to the points whose evidence was not found,
 * and halved when the LLM's score disagrees with its own points.
 */
public final class LlmVerdict {

    public static final String ID = "llm";

    /** A reply that cannot be used, and why (told to the LLM when it is asked again). */
    public record Malformed(String problem) {
    }

    private LlmVerdict() {
    }

    /** A {@link GradeResult} or a {@link Malformed}. */
    static Object check(String reply, LlmQuestion question, String answer, double maxConfidence) {
        JsonNode root;
        try {
            root = JsonCodec.mapper().readTree(unfenced(reply));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Malformed("it was not a JSON object");
        }
        if (root == null || !root.isObject()) {
            return new Malformed("it was not a JSON object");
        }
        JsonNode scoreNode = root.get("score");
        if (scoreNode == null || !scoreNode.isNumber()) {
            return new Malformed("\"score\" must be a number");
        }
        BigDecimal score = scoreNode.decimalValue();
        BigDecimal max = question.maxScore();
        if (score.signum() < 0 || score.compareTo(max) > 0) {
            return new Malformed("\"score\" " + score.stripTrailingZeros().toPlainString() + " is not between 0 and " + max.stripTrailingZeros().toPlainString());
        }
        if (score.remainder(question.scoreStep()).signum() != 0) {
            return new Malformed("\"score\" " + score.stripTrailingZeros().toPlainString() + " is not a multiple of "
                    + question.scoreStep().stripTrailingZeros().toPlainString());
        }
        Map<String, ScoringPoint> rubric = new HashMap<>();
        if (question.rubric() != null) {
            question.rubric().points().forEach(point -> rubric.put(point.id(), point));
        }
        JsonNode pointsNode = root.get("points");
        if (pointsNode != null && !pointsNode.isNull() && !pointsNode.isArray()) {
            return new Malformed("\"points\" must be an array");
        }
        Map<String, JsonNode> decided = new HashMap<>();
        if (pointsNode != null && pointsNode.isArray()) {
            for (JsonNode point : pointsNode) {
                String id = point.path("id").asText(null);
                if (id == null || !rubric.containsKey(id)) {
                    return new Malformed("point " + (id == null ? "without an id" : "\"" + id + "\"")
                            + " is not one of the rubric's");
                }
                decided.put(id, point);
            }
        }
        String normalisedAnswer = TextNormalizer.normalize(answer);
        List<PointDecision> points = new ArrayList<>(rubric.size());
        int claimed = 0;
        int quoted = 0;
        BigDecimal sum = BigDecimal.ZERO;
        Set<String> seen = new HashSet<>();
        for (ScoringPoint point : question.rubric() == null ? List.<ScoringPoint>of() : question.rubric().points()) {
            if (!seen.add(point.id())) {
                continue;
            }
            JsonNode decision = decided.get(point.id());
            boolean claims = decision != null && decision.path("awarded").asBoolean(false);
            String evidence = decision == null ? "" : decision.path("evidence").asText("");
            boolean found = claims && !evidence.isBlank()
                    && normalisedAnswer.contains(TextNormalizer.normalize(evidence));
            if (claims) {
                claimed++;
                if (found) {
                    quoted++;
                }
            }
            if (found) {
                sum = sum.add(point.points());
            }
            points.add(new PointDecision(point.id(), found, found ? point.points() : BigDecimal.ZERO,
                    found ? evidence : null));
        }
        double confidence = Math.min(maxConfidence, Math.clamp(root.path("confidence").asDouble(0.5), 0.0, 1.0));
        if (claimed > 0) {
            confidence *= (double) quoted / claimed;
        }
        BigDecimal proposed = score;
        if (!points.isEmpty()) {
            BigDecimal step = question.scoreStep();
            proposed = sum.max(BigDecimal.ZERO).min(max).divide(step, 0, RoundingMode.FLOOR).multiply(step);
            if (proposed.compareTo(score) != 0) {
                confidence /= 2;
            }
        }
        return new GradeResult(ID, proposed.stripTrailingZeros().scale() < 0 ? proposed.setScale(0)
                : proposed.stripTrailingZeros(), max,
                BigDecimal.valueOf(confidence).setScale(2, RoundingMode.FLOOR), points);
    }

    /** A reply wrapped in a Markdown code fence, as chat models often write it, without the fence. */
    private static String unfenced(String reply) {
        if (reply == null) {
            return "";
        }
        String text = reply.strip();
        if (text.startsWith("```")) {
            int firstLine = text.indexOf('\n');
            int end = text.lastIndexOf("```");
            if (firstLine > 0 && end > firstLine) {
                return text.substring(firstLine + 1, end);
            }
        }
        return text;
    }
}
