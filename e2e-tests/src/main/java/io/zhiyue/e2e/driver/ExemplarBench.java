package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exemplar grader's part of {@code ./zhiyue bench marking}: proposals per second of a grading
 * job over one big ai-mode question ({@link SampleShortAnswers}) with teacher marks, next to a
 * rule-mode job over the same answers in the same run, and the latency of the review queue the ai
 * job fills.
 *
 * <ul>
 * <li>The answers' embeddings are stored before the first ai job (timed on their own), so the job
 * times the exemplar grader (loading stored vectors, fitting on the marks, k-NN) and the pipeline
 * around it, not the model. Later runs upload the same texts, whose vectors are stored by then.</li>
 * <li>The rule-mode job is the pipeline with the cheapest grader (one keyword point): the ratio
 * of the two rates is what the exemplar grader costs. Proposals per second against the answers
 * the model embeds per second shows where the ai path's bottleneck is, which should be the model.</li>
 * <li>Each run grades fresh exams (one per job), so every ai job fits its grader from scratch and
 * the review queue holds one job's items. Rule and ai jobs alternate, so both meet the same warm
 * or cold processes; the figures are medians over the runs.</li>
 * </ul>
 */
final class ExemplarBench {

    /** Fewer marks and the exemplar grader proposes nothing (grading-service's ExemplarGrader.MIN_EXEMPLARS). */
    static final int MIN_TEACHER_MARKS = 5;
    private static final long SEED = 9L;
    private static final int CHUNK_ROWS = 5_000;
    private static final String MARKER = "teacher-bench";
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(100);
    /** The embeddings route answers within the gateway's budget; a big question goes on server-side, asked again. */
    private static final int EMBED_CALLS = 20;
    private static final int REVIEW_PAGE_SIZE = 50;
    private static final int REVIEW_WARM_UP = 20;
    private static final int REVIEW_REQUESTS = 300;

    /** One job's figures: what it did and how long it ran, server-side (start to COMPLETED). */
    private record Graded(Job job, double seconds, long proposals, long autoAccepted, long needsReview, long human) {

        double perSecond(long count) {
            return count / seconds;
        }
    }

    private final GatewayClient gateway;
    private final PrintStream out;
    private final SampleShortAnswers sample;
    private final int teacherMarks;

    ExemplarBench(GatewayClient gateway, PrintStream out, int answers, int teacherMarks) {
        this.gateway = gateway;
        this.out = out;
        this.sample = SampleShortAnswers.generate(answers, SEED);
        this.teacherMarks = teacherMarks;
    }

    /**
     * Runs {@code jobRuns} pairs of jobs and the review-queue reads; {@code embeddedPerSecond} is the
     * model's rate measured before on answers of about 30 characters (these are shorter, so the model
     * embeds them no slower). True when every job completed with the proposals expected.
     */
    boolean run(int jobRuns, double embeddedPerSecond) throws InterruptedException {
        out.printf(Locale.ROOT, "bench marking: the exemplar grader on one question of %,d answers (%,d distinct texts), %,d "
                + "marked by a teacher; jobs timed start -> COMPLETED by their own clocks%n", sample.size(),
                sample.distinct(), teacherMarks);
        List<Double> ruleRates = new ArrayList<>();
        List<Double> proposalRates = new ArrayList<>();
        String lastAiExam = null;
        for (int run = 1; run <= jobRuns; run++) {
            Graded rule = grade(ruleExam());
            lastAiExam = aiExam(run == 1);
            Graded ai = grade(lastAiExam);
            if (ai.proposals() != sample.size() - teacherMarks || rule.job().graded() != sample.size()) {
                out.printf(Locale.ROOT, "  run %d: %,d proposals (expected %,d), the rule-mode job graded %,d of %,d: "
                                + "FAILED%n", run, ai.proposals(), sample.size() - teacherMarks, rule.job().graded(),
                        sample.size());
                return false;
            }
            ruleRates.add(rule.perSecond(rule.job().graded()));
            proposalRates.add(ai.perSecond(ai.proposals()));
            out.printf(Locale.ROOT, "  run %d  exemplar (ai)  %,d proposals in %.2f s = %,.0f proposals/s: %,d AUTO_ACCEPTED, "
                            + "%,d NEEDS_REVIEW (and %,d HUMAN: the marks)%n", run, ai.proposals(), ai.seconds(),
                    ai.perSecond(ai.proposals()), ai.autoAccepted(), ai.needsReview(), ai.human());
            out.printf(Locale.ROOT, "         rule baseline  %,d tasks in %.2f s = %,.0f tasks/s%n", rule.job().graded(),
                    rule.seconds(), rule.perSecond(rule.job().graded()));
        }
        double proposals = Stats.median(proposalRates);
        double rule = Stats.median(ruleRates);
        out.printf(Locale.ROOT, "  %s: %,.0f proposals/s, rule baseline %,.0f tasks/s: ai-exemplar / rule = %.2f%n",
                jobRuns == 1 ? "one run (--job-runs 1)" : "median of " + jobRuns + " runs", proposals, rule,
                proposals / rule);
        // the model embeds each distinct text once; the job proposes for every answer: the fair
        // comparison is the time each needs for the same question
        int proposed = sample.size() - teacherMarks;
        double modelSeconds = sample.distinct() / embeddedPerSecond;
        double proposeSeconds = proposed / proposals;
        double overModel = modelSeconds / proposeSeconds;
        out.printf(Locale.ROOT, "  the same question with new answers: embedding its %,d distinct texts takes %.1f s at the "
                        + "rate above, proposing for its %,d answers %.1f s: the model takes %.1fx as long: %s%n",
                sample.distinct(), modelSeconds, proposed, proposeSeconds, overModel, overModel >= 1
                        ? "OK, a job over new answers waits on the model, not on proposing"
                        : "BOTTLENECK: proposing takes longer than embedding");
        timeReviewQueue(lastAiExam);
        return true;
    }

    /** A fresh exam with the answers to a rule-mode question: one keyword point, the whole score. */
    private String ruleExam() {
        String examId = gateway.createExam("bench marking · rule baseline", "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", SampleShortAnswers.PROMPT,
                "maxScore", 4, "scoreStep", 1,
                "rubric", Map.of("points", List.of(Map.of("id", "energy", "description", "光能转化为化学能",
                        "points", 4, "match", Map.of("allOf", List.of("光能", "化学能"))))),
                "marking", Map.of("mode", "rule")), 201);
        upload(examId);
        return examId;
    }

    /**
     * A fresh exam with the answers to an ai-mode question without points and the teacher's marks;
     * with {@code embed}, the embeddings of its answers are stored before it is graded.
     */
    private String aiExam(boolean embed) {
        String examId = gateway.createExam("bench marking · exemplar grader", "biology");
        String questionId = gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1,
                "prompt", SampleShortAnswers.PROMPT, "referenceAnswer", SampleShortAnswers.REFERENCE,
                "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai")), 201).path("id").asText();
        upload(examId);
        int marked = gateway.as(MARKER, "teacher").uploadMarksCsv(examId, sample.teacherMarks(1, teacherMarks, MARKER)).accepted();
        if (marked != teacherMarks) {
            throw new IllegalStateException("the marks upload accepted " + marked + " of " + teacherMarks);
        }
        if (embed) {
            embedAll(questionId);
        }
        return examId;
    }

    private void upload(String examId) {
        int accepted = 0;
        for (String chunk : sample.submissionChunks(1, CHUNK_ROWS)) {
            accepted += gateway.uploadCsv(examId, chunk).accepted();
        }
        if (accepted != sample.size()) {
            throw new IllegalStateException("the upload accepted " + accepted + " of " + sample.size() + " answers");
        }
    }

    /**
     * Asks grading-service to embed the question's answers until a call answers (then every distinct
     * text is stored): a call that runs out of the gateway's budget (503/504) leaves the service
     * embedding, and the next call reuses what it stored meanwhile.
     */
    private void embedAll(String questionId) {
        long start = System.nanoTime();
        for (int call = 1; call <= EMBED_CALLS; call++) {
            JsonNode done;
            try {
                done = gateway.postJson("questions/" + questionId + "/embeddings", Map.of(), 200);
            } catch (GatewayException e) {
                if (e.status() == 503 || e.status() == 504) {
                    continue;
                }
                throw e;
            }
            out.printf(Locale.ROOT, "  embeddings stored first: %,d distinct texts in %.1f s, %d call(s) (the last embedded %,d "
                            + "in %.1f s of model time and found %,d stored)%n", done.path("distinct").asInt(),
                    (System.nanoTime() - start) / 1e9, call, done.path("embeddedNow").asInt(),
                    done.path("embedSeconds").asDouble(), done.path("reused").asInt());
            return;
        }
        throw new IllegalStateException("the embeddings of question " + questionId + " were not all stored after "
                + EMBED_CALLS + " calls");
    }

    /** Starts a job for the exam and polls it to its end; the seconds are the job's own, start to COMPLETED. */
    private Graded grade(String examId) throws InterruptedException {
        String jobId = gateway.createJob(examId).id();
        gateway.startJob(jobId);
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        Job job = gateway.job(jobId);
        while (!job.isFinal()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + " did not finish within " + JOB_TIMEOUT + "; last seen "
                        + job.state() + " " + job.done() + "/" + job.total());
            }
            Thread.sleep(POLL.toMillis());
            job = gateway.job(jobId);
        }
        if (!"COMPLETED".equals(job.state()) || job.timings() == null || job.timings().totalMs() == null) {
            throw new IllegalStateException("job " + jobId + " ended " + job.state());
        }
        double seconds = Math.max(job.timings().totalMs() / 1000.0, 0.001);
        return new Graded(job, seconds, count(jobId, "graderId", "exemplar-knn"),
                count(jobId, "reviewStatus", "AUTO_ACCEPTED"), count(jobId, "reviewStatus", "NEEDS_REVIEW"),
                count(jobId, "reviewStatus", "HUMAN"));
    }

    /** The job's results with this value, counted by the results list itself. */
    private long count(String jobId, String field, String value) {
        return gateway.getJson("grading-jobs/" + jobId + "/results?page_size=1&filter[" + field + "]=" + value)
                .path("total").asLong();
    }

    /**
     * Reads the exam's review queue as a marker's screen does, page after page by cursor, starting
     * over after the last page; times each request here, after {@link #REVIEW_WARM_UP} unmeasured.
     */
    private void timeReviewQueue(String examId) {
        String first = "exams/" + examId + "/review-items?page_size=" + REVIEW_PAGE_SIZE;
        double[] millis = new double[REVIEW_REQUESTS];
        String cursor = null;
        long items = 0;
        for (int i = -REVIEW_WARM_UP; i < REVIEW_REQUESTS; i++) {
            String path = cursor == null ? first : first + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            long start = System.nanoTime();
            JsonNode page = gateway.getJson(path);
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            items = page.path("total").asLong();
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        }
        Arrays.sort(millis);
        out.printf(Locale.ROOT, "  review queue after the last exemplar job: %,d items (NEEDS_REVIEW and the audit sample), "
                + "%,d pages of %d by cursor, read round and round%n", items,
                (items + REVIEW_PAGE_SIZE - 1) / REVIEW_PAGE_SIZE, REVIEW_PAGE_SIZE);
        out.printf(Locale.ROOT, "    %d page requests after %d warm-up: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                REVIEW_REQUESTS, REVIEW_WARM_UP, Stats.percentile(millis, 0.50), Stats.percentile(millis, 0.99),
                millis[millis.length - 1]);
    }
}
