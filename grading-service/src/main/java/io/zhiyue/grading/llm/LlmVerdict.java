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
import java.util.List;
import java.util.Map;

/**
 * The LLM's reply, checked before anything of it counts. Malformed — not one JSON object, a score
 * missing, outside 0…maximum or off the step, a confidence that is not a number, a point the
 * rubric does not have, one decided twice or one left undecided — means the reply is unusable
 * ({@link Malformed}). Otherwise each awarded point must quote the answer: evidence of fewer than
 * two characters or that does not occur in it (compared as normalised text) leaves the point not
 * awarded. A deduction (negative points) the LLM applies stands even unquoted: dropping it would
 * raise the score on the LLM's silence. With rubric points the proposal is the sum of the points
 * that stand (within 0…maximum, down to the step); without, the LLM's score. The confidence is
 * the LLM's own, capped (it is not calibrated on the school's marks), lowered in proportion to
 * the claimed points whose evidence was not found, and halved when the LLM's score disagrees with
 * its own points.
 */
public final class LlmVerdict {

    public static final String ID = "llm";
    /** Shorter evidence than this proves nothing: any one character occurs in most answers. */
    static final int MIN_EVIDENCE = 2;

    /** What a reply came to: a proposal, or the reason it cannot be used. */
    sealed interface Checked permits Usable, Malformed {
    }

    record Usable(GradeResult proposal) implements Checked {
    }

    /** A reply that cannot be used, and why (told to the LLM when it is asked again). */
    record Malformed(String problem) implements Checked {
    }

    private LlmVerdict() {
    }

    static Checked check(String reply, LlmQuestion question, String answer, double maxConfidence) {
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
            return new Malformed("\"score\" " + plain(score) + " is not between 0 and " + plain(max));
        }
        if (score.remainder(question.scoreStep()).signum() != 0) {
            return new Malformed("\"score\" " + plain(score) + " is not a multiple of " + plain(question.scoreStep()));
        }
        JsonNode confidenceNode = root.get("confidence");
        double stated = confidenceNode == null || confidenceNode.isNull() ? 0.5 : confidenceNode.asDouble(Double.NaN);
        if (confidenceNode != null && !confidenceNode.isNull() && !confidenceNode.isNumber() || !Double.isFinite(stated)) {
            return new Malformed("\"confidence\" must be a number from 0 to 1");
        }
        List<ScoringPoint> rubric = question.rubric() == null ? List.of() : question.rubric().points();
        Map<String, ScoringPoint> byId = new HashMap<>();
        rubric.forEach(point -> byId.put(point.id(), point));
        JsonNode pointsNode = root.get("points");
        if (pointsNode != null && !pointsNode.isNull() && !pointsNode.isArray()) {
            return new Malformed("\"points\" must be an array");
        }
        Map<String, JsonNode> decided = new HashMap<>();
        if (pointsNode != null && pointsNode.isArray()) {
            for (JsonNode point : pointsNode) {
                String id = point.path("id").asText(null);
                if (id == null || !byId.containsKey(id)) {
                    return new Malformed("point " + (id == null ? "without an id" : "\"" + id + "\"")
                            + " is not one of the rubric's");
                }
                if (decided.put(id, point) != null) {
                    return new Malformed("point \"" + id + "\" is decided twice");
                }
            }
        }
        for (ScoringPoint point : rubric) {
            if (!decided.containsKey(point.id())) {
                return new Malformed("point \"" + point.id() + "\" is not decided");
            }
        }
        String normalisedAnswer = TextNormalizer.normalize(answer);
        List<PointDecision> points = new ArrayList<>(rubric.size());
        int claimed = 0;
        int quoted = 0;
        BigDecimal sum = BigDecimal.ZERO;
        for (ScoringPoint point : rubric) {
            JsonNode decision = decided.get(point.id());
            boolean claims = decision.path("awarded").asBoolean(false);
            String evidence = decision.path("evidence").asText("");
            String normalisedEvidence = TextNormalizer.normalize(evidence);
            boolean found = claims && normalisedEvidence.length() >= MIN_EVIDENCE
                    && normalisedAnswer.contains(normalisedEvidence);
            boolean stands = found || claims && point.points().signum() < 0;
            if (claims) {
                claimed++;
                quoted += found ? 1 : 0;
            }
            if (stands) {
                sum = sum.add(point.points());
            }
            points.add(new PointDecision(point.id(), stands, stands ? point.points() : BigDecimal.ZERO,
                    found ? evidence : null));
        }
        double confidence = Math.min(maxConfidence, Math.clamp(stated, 0.0, 1.0));
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
        BigDecimal shown = proposed.stripTrailingZeros();
        return new Usable(new GradeResult(ID, shown.scale() < 0 ? shown.setScale(0) : shown, max,
                BigDecimal.valueOf(confidence).setScale(2, RoundingMode.FLOOR), points));
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
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
