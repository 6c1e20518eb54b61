package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.quality.Agreement;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's second part: a short-answer question in {@code ai} mode with people in the loop. A
 * teacher marks the answers the exemplar suggestions choose (the medoids of the answers' clusters),
 * the job proposes scores from those marks and the rubric points together and auto-accepts the
 * confident ones (a share of those drawn for a blind audit), two markers work their queues blind,
 * and the AI quality figures come from those blind checks only.
 *
 * <p>The answers come in five kinds, several wordings each, each kind with the score a teacher
 * gives it; the rule-based points get three kinds wrong on purpose (an answer that names oxygen to
 * deny it still matches "氧气"). Where the teacher's marks of similar answers disagree with the
 * points, the blended proposal loses its confidence and goes to people. Since the demo knows each
 * answer's teacher score, it also prints the figures the exemplar grader's evaluation reports.
 */
final class MarkingDemo {

    /** One kind of answer, as students word it, and the score a teacher gives it. */
    private record Kind(List<String> wordings, int teacherScore) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind(List.of("光合作用在叶绿体中进行，释放氧气。", "在叶绿体里进行光合作用，放出氧气",
                    "光合作用的场所是叶绿体，产生的气体是氧气", "叶绿体是光合作用的场所，会释放出氧气"), 4),
            new Kind(List.of("光合作用会释放氧气", "植物光合作用时放出氧气", "光合作用产生氧气",
                    "进行光合作用的时候会放出氧气"), 3),
            new Kind(List.of("植物通过呼吸作用产生二氧化碳", "呼吸作用放出二氧化碳", "植物呼吸时释放二氧化碳",
                    "在线粒体中进行呼吸作用，释放二氧化碳"), 0),
            new Kind(List.of("叶绿体里产生的不是氧气", "叶绿体中产生的气体不是氧气", "叶绿体里放出来的并不是氧气"), 1),
            new Kind(List.of("光合作用在叶绿体中进行，但并不释放氧气", "光合作用在叶绿体里进行，不会放出氧气",
                    "光合作用的场所是叶绿体，但它不产生氧气"), 2));
    private static final int STUDENTS = 60;
    /** How many answers the teacher marks, as the exemplar suggestions choose them. */
    private static final int TEACHER_SAMPLE = 10;
    private static final List<String> MARKERS = List.of("teacher-wang", "teacher-zhao");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    private final GatewayClient gateway;
    private final PrintStream out;

    MarkingDemo(GatewayClient gateway, PrintStream out) {
        this.gateway = gateway;
        this.out = out;
    }

    /** Runs the marking demo; true when every answer ended with a final score. */
    boolean run() throws InterruptedException {
        String examId = gateway.createExam("短答题 · AI-assisted marking", "biology");
        String questionId = gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1,
                "prompt", "光合作用在哪里进行？释放什么气体？", "maxScore", 4, "scoreStep", 1,
                "referenceAnswer", "光合作用在叶绿体中进行，释放氧气。",
                "rubric", Map.of("points", List.of(
                        Map.of("id", "where", "description", "光合作用在叶绿体中", "points", 2,
                                "match", Map.of("allOf", List.of("光合作用", "叶绿体"))),
                        Map.of("id", "gas", "description", "释放氧气", "points", 2,
                                "match", Map.of("anyOf", List.of("氧气", "oxygen"))))),
                "marking", Map.of("mode", "ai", "autoAccept", Map.of("minConfidence", 0.9, "auditRate", 0.2))), 201)
                .path("id").asText();
        out.println("   Q1 short answer, max 4 step 1, ai mode: the teacher's marks of similar answers and the "
                + "rubric points propose together, confident proposals (≥ 0.9) are accepted, 20 % of those are "
                + "marked again blind");

        StringBuilder answers = new StringBuilder("student_id,question_number,answer\n");
        Map<String, Integer> teacherScores = new LinkedHashMap<>();
        for (int i = 0; i < STUDENTS; i++) {
            Kind kind = KINDS.get(i % KINDS.size());
            answers.append(student(i)).append(",1,").append(kind.wordings().get(i / KINDS.size() % kind.wordings().size()))
                    .append('\n');
            teacherScores.put(student(i), kind.teacherScore());
        }
        int uploaded = gateway.uploadCsv(examId, answers.toString()).accepted();
        JsonNode suggested = gateway.getJson("questions/" + questionId + "/exemplar-suggestions?count=" + TEACHER_SAMPLE);
        StringBuilder sample = new StringBuilder("student_id,question_number,score,marker_id\n");
        List<String> clusters = new ArrayList<>();
        for (JsonNode item : suggested.path("items")) {
            sample.append(item.path("studentId").asText()).append(",1,")
                    .append(teacherScore(item.path("answer").asText())).append(",teacher-li\n");
            clusters.add(item.path("clusterSize").asText());
        }
        int sampled = gateway.as("teacher-li", "teacher").uploadMarksCsv(examId, sample.toString()).accepted();
        gateway.putJson("exams/" + examId + "/markers", Map.of("markers", MARKERS.stream()
                .map(marker -> Map.of("markerId", marker, "questionNumbers", List.of(1))).toList()));
        out.printf(Locale.ROOT, "   %d answers uploaded; teacher-li marked the %d the exemplar suggestions chose "
                        + "(standing for clusters of %s answers); markers %s assigned%n",
                uploaded, sampled, String.join(", ", clusters), String.join(" and ", MARKERS));

        Job created = gateway.createJob(examId);
        JobFollower.Outcome outcome = JobFollower.startAndFollow(gateway, created.id(), out, JOB_TIMEOUT);
        Job graded = outcome.job();
        JsonNode queue = gateway.getJson("exams/" + examId + "/review-items?page_size=200");
        long audits = 0;
        for (JsonNode item : queue.path("items")) {
            audits += item.path("audit").asBoolean() ? 1 : 0;
        }
        out.printf(Locale.ROOT, "   Job %s: %d final (the teacher's marks and auto-accepted proposals), "
                        + "%d waiting for people; the review queue holds %d unsure answers and %d drawn for the audit%n",
                graded.state(), graded.graded(), graded.pendingReview(), queue.path("total").asLong() - audits, audits);
        printProposalFigures(graded.id(), teacherScores);

        Map<String, Integer> marked = workQueues(examId);
        Job done = gateway.job(graded.id());
        out.printf(Locale.ROOT, "   The markers worked their queues blind (%s): the job now has %d of %d final, %d "
                        + "waiting%n", describe(marked), done.graded(), done.total(), done.pendingReview());

        JsonNode quality = gateway.getJson("exams/" + examId + "/quality").path("questions").get(0);
        out.printf(Locale.ROOT, "   AI quality on Q1 from %d blind checks: exact agreement %s, adjacent %s, "
                        + "quadratic weighted kappa %s, bias %s; auto-accept rate %s, override rate %s%s%n",
                quality.path("checked").asInt(), percent(quality, "exactAgreement"),
                percent(quality, "adjacentAgreement"), number(quality, "kappa"), number(quality, "bias"),
                percent(quality, "autoAcceptRate"), percent(quality, "overrideRate"),
                quality.path("alert").asBoolean() ? " — ALERT: auto-accept stopped" : "");
        for (JsonNode marker : gateway.getJson("exams/" + examId + "/markers/quality").path("markers")) {
            out.printf(Locale.ROOT, "   %-13s %2d review mark(s), %d teacher mark(s), median %s s per mark, mean "
                            + "deviation from final %s%n", marker.path("markerId").asText(),
                    marker.path("reviewMarks").asInt(), marker.path("teacherMarks").asInt(),
                    number(marker, "medianSecondsPerMark"), number(marker, "meanDeviation"));
        }
        out.println("   Review queue         curl -s -H \"$AUTH\" " + gateway.base() + "api/v1/exams/" + examId + "/review-items");
        out.println("   AI quality           curl -s -H \"$AUTH\" " + gateway.base() + "api/v1/exams/" + examId + "/quality");
        out.println("   Exam channel         {\"type\":\"SUBSCRIBE\",\"channel\":\"exam:" + examId + "\"}");
        return "COMPLETED".equals(graded.state()) && done.pendingReview() == 0 && done.graded() == STUDENTS;
    }

    /**
     * The markers take turns asking for their next answer and mark it with the score a teacher
     * gives its kind (they see the answer, never the student or, while blind, the proposal).
     */
    private Map<String, Integer> workQueues(String examId) {
        Map<String, Integer> marked = new LinkedHashMap<>();
        MARKERS.forEach(marker -> marked.put(marker, 0));
        List<String> active = new ArrayList<>(MARKERS);
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (!active.isEmpty() && Instant.now().isBefore(deadline)) {
            for (String marker : List.copyOf(active)) {
                Optional<JsonNode> item = gateway.nextReviewItem(examId, marker);
                if (item.isEmpty()) {
                    active.remove(marker);
                    continue;
                }
                gateway.as(marker, "marker").postJson("review-items/" + item.get().path("id").asText() + "/marks",
                        Map.of("score", teacherScore(item.get().path("answer").asText()), "markerId", marker), 200);
                marked.merge(marker, 1, Integer::sum);
            }
        }
        return marked;
    }

    /**
     * The AI's proposals against the score a teacher gives each answer's kind, as the exemplar
     * grader's evaluation reports them: quadratic weighted kappa over every proposal, the share
     * auto-accepted, and how many of those were exactly right and within one point.
     */
    private void printProposalFigures(String jobId, Map<String, Integer> teacherScores) {
        List<Long> proposed = new ArrayList<>();
        List<Long> teacher = new ArrayList<>();
        int accepted = 0;
        int acceptedExact = 0;
        int acceptedAdjacent = 0;
        for (JsonNode result : gateway.getJson("grading-jobs/" + jobId + "/results?page_size=200").path("items")) {
            if (!result.path("proposedScore").isNumber()) {
                continue;
            }
            long ai = Math.round(result.path("proposedScore").asDouble());
            long truth = teacherScores.get(result.path("studentId").asText());
            proposed.add(ai);
            teacher.add(truth);
            if ("AUTO_ACCEPTED".equals(result.path("reviewStatus").asText())) {
                accepted++;
                acceptedExact += ai == truth ? 1 : 0;
                acceptedAdjacent += Math.abs(ai - truth) <= 1 ? 1 : 0;
            }
        }
        Double kappa = Agreement.quadraticWeightedKappa(proposed.stream().mapToLong(Long::longValue).toArray(),
                teacher.stream().mapToLong(Long::longValue).toArray());
        out.printf(Locale.ROOT, "   The AI's %d proposals against the teacher's score of each answer: quadratic "
                        + "weighted kappa %s; auto-accepted %d (%s), of which %s exactly right and %s within one point%n",
                proposed.size(), kappa == null ? "n/a" : String.format(Locale.ROOT, "%.2f", kappa), accepted,
                share(accepted, proposed.size()), share(acceptedExact, accepted), share(acceptedAdjacent, accepted));
    }

    private static String share(int part, int whole) {
        return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100.0 * part / whole);
    }

    private static int teacherScore(String answer) {
        return KINDS.stream().filter(kind -> kind.wordings().contains(answer)).findFirst()
                .orElseThrow(() -> new IllegalStateException("an answer the demo did not upload: " + answer))
                .teacherScore();
    }

    private static String student(int i) {
        return String.format(Locale.ROOT, "m%03d", i);
    }

    private static String describe(Map<String, Integer> marked) {
        List<String> parts = new ArrayList<>();
        marked.forEach((marker, count) -> parts.add(marker + " " + count));
        return String.join(", ", parts);
    }

    private static String percent(JsonNode node, String field) {
        return node.path(field).isNumber() ? String.format(Locale.ROOT, "%.0f %%", node.path(field).asDouble() * 100)
                : "n/a";
    }

    private static String number(JsonNode node, String field) {
        return node.path(field).isNumber() ? String.format(Locale.ROOT, "%.2f", node.path(field).asDouble()) : "n/a";
    }
}
