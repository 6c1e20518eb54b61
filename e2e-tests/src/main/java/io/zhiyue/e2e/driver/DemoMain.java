package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./zhiyue demo}: grades a sample exam of 200 students through the gateway, shows the live
 * progress from the WebSocket, prints per-question statistics, then marks a short-answer question
 * in ai mode with people in the loop ({@link MarkingDemo}), checkpoints the first job's results
 * twice (a snapshot, then a delta) and says where to look next.
 *
 * <pre>DemoMain [--gateway http://localhost:8080] [--students 200] [--seed 2024]</pre>
 */
public final class DemoMain {

    private static final int PAGE_SIZE = 200;
    private static final String CHECKPOINT_NAMESPACE = "demo";

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int students = 200;
        long seed = 2024;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(value(args, ++i));
                case "--students" -> students = Integer.parseInt(value(args, ++i));
                case "--seed" -> seed = Long.parseLong(value(args, ++i));
                default -> usage("unknown argument " + args[i]);
            }
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        if (!gateway.isReady()) {
            System.err.println("demo: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        try {
            System.exit(new DemoMain().run(gateway, students, seed, out));
        } catch (GatewayException | UncheckedIOException | IllegalStateException e) {
            out.println();
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        }
    }

    private int run(GatewayClient gateway, int students, long seed, PrintStream out) throws InterruptedException {
        String base = gateway.base().toString().replaceAll("/$", "");
        out.println();
        out.println("ZhiYue demo: grading a sample exam through " + base);
        out.println();

        SampleExam exam = SampleExam.generate(students, seed);
        String examId = gateway.createExam(exam.title(), exam.subject());
        out.println("1. Exam \"" + exam.title() + "\" created (id " + examId + ") with " + exam.questions().size()
                + " questions:");
        for (Question question : exam.questions()) {
            gateway.addQuestion(examId, question);
            long deductions = question.rubric().points().stream().filter(p -> p.points().signum() < 0).count();
            out.printf(Locale.ROOT, "   Q%d  %s max %-4s step %-4s %d scoring point(s)%s%n", question.number(),
                    pad(exam.kind(question.number()), 20), plain(question.maxScore()), plain(question.scoreStep()),
                    question.rubric().points().size(), deductions > 0 ? ", " + deductions + " deduction" : "");
        }

        String csv = exam.csv();
        UploadReport upload = gateway.uploadCsv(examId, csv);
        out.printf(Locale.ROOT, "%n2. Answers: %d students x %d questions uploaded as one CSV (%,d KB, Chinese, "
                        + "full-width and quoted text): %,d accepted, %d rejected%n", students, exam.questions().size(),
                csv.getBytes(StandardCharsets.UTF_8).length / 1024, upload.accepted(), upload.rejected().size());
        upload.rejected().stream().limit(5).forEach(r ->
                out.println("   rejected row " + r.row() + ": " + r.code() + " " + r.message()));

        Job created = gateway.createJob(examId);
        out.println();
        out.println("3. Grading job " + created.id() + " created; starting it and following ws "
                + gateway.liveChannelAddress() + ":");
        JobFollower.Outcome outcome = JobFollower.startAndFollow(gateway, created.id(), out, Duration.ofMinutes(10));
        Job job = outcome.job();

        out.println();
        out.println("4. Summary");
        out.println("   Job status (GET /grading-jobs/" + job.id() + "?minVersion=" + job.version() + ") answered by "
                + gateway.jobSource(job.id()) + ", version " + gateway.job(job.id()).version());
        printJobFigures(job, outcome, out);
        printStatistics(gateway.statistics(job.id()), exam, out);
        boolean allMatch = printCheck(gateway, job, exam, out);

        out.println();
        out.println("5. Marking with people in the loop: a short-answer question in ai mode");
        boolean marked = new MarkingDemo(gateway, out).run();

        out.println();
        out.println("6. Checkpoints of job " + job.id() + " (checkpoint-service, through /api/v1/checkpoints)");
        boolean checkpointed = printCheckpoints(gateway, job, out);

        out.println();
        out.println("7. A teacher overrides a score after the job completed (the score-override saga, saga-service)");
        boolean overridden = printOverride(gateway, job, exam, out);

        out.println();
        out.println("8. The trace of the job's start (tracing-service, through /api/v1/traces)");
        printTrace(gateway, out);

        out.println();
        out.println("9. Who may see what (api-gateway: bearer tokens, roles, school walls, released results)");
        boolean walled = printWalls(gateway, job, exam, examId, out);

        out.println();
        out.println("10. Where to look next (every call carries a token; the demo's teacher may do everything)");
        out.println("   AUTH=\"Authorization: Bearer $(./zhiyue token --role teacher --role admin --role platform-admin"
                + " --tenant demo-school --sub demo-teacher)\"");
        out.println("   API description      " + base + "/q/openapi");
        out.println("   Metrics (Prometheus) " + base + "/q/metrics   (every service has one)");
        out.println("   Health               " + base + "/q/health/ready");
        out.println("   This job             curl -s -H \"$AUTH\" " + base + "/api/v1/grading-jobs/" + job.id());
        out.println("   Its results          curl -s -H \"$AUTH\" '" + base + "/api/v1/grading-jobs/" + job.id()
                + "/results?page=1&page_size=20'");
        out.println("   Its statistics       curl -s -H \"$AUTH\" " + base + "/api/v1/grading-jobs/" + job.id() + "/statistics");
        out.println("   CSV export           curl -s -H \"$AUTH\" '" + base + "/api/v1/grading-jobs/" + job.id()
                + "/export?format=csv'");
        out.println("   Its checkpoints      curl -s -H \"$AUTH\" " + base + "/api/v1/checkpoints/" + job.id() + "/"
                + CHECKPOINT_NAMESPACE);
        out.println("   Sagas                curl -s -H \"$AUTH\" " + base + "/api/v1/sagas   (" + sagas(gateway) + ")");
        out.println("   Slow traces          curl -sg -H \"$AUTH\" '" + base + "/api/v1/traces?min_duration_ms=500'");
        out.println("   Live channel         websocat \"" + gateway.liveChannelAddress() + "?access_token=$(./zhiyue token"
                + " --role teacher --tenant demo-school)\""
                + "  then send {\"type\":\"SUBSCRIBE\",\"channel\":\"job:" + job.id() + "\"}");
        out.println("   Processes and logs   ./zhiyue status   ./zhiyue logs grading-service");
        out.println("   Throughput           ./zhiyue bench grading --submissions 20000");
        out.println("   More                 README.md");
        out.println();
        return "COMPLETED".equals(job.state()) && allMatch && marked && checkpointed && overridden && walled ? 0 : 1;
    }

    /**
     * The door and the walls, as the API shows them: no token is a 401; another school's teacher finds
     * nothing; a student sees nothing before the release, their own final scores after it, and never
     * another student's.
     */
    private static boolean printWalls(GatewayClient gateway, Job job, SampleExam exam, String examId, PrintStream out) {
        String path = "grading-jobs/" + job.id();
        HttpResponse<String> anonymous = gateway.withToken(null).call("GET", path, null);
        out.printf("   without a token            GET /%s -> %d %s%n", path, anonymous.statusCode(),
                anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> read = gateway.call("GET", path, null);
        out.printf("   the school's teacher       GET /%s -> %d, limits %s%n", path, read.statusCode(),
                read.headers().firstValue("RateLimit-Policy").orElse("(none)"));
        GatewayClient otherSchool = gateway.withToken(LocalIdentity.token("north-school", "teacher-zhou",
                java.util.Set.of("teacher")));
        HttpResponse<String> walled = otherSchool.call("GET", path, null);
        out.printf("   another school's teacher   GET /%s -> %d%n", path, walled.statusCode());
        String student = exam.answers().getFirst().studentId();
        GatewayClient studentClient = gateway.as(student, "student");
        int before = studentClient.getJson("students/" + student + "/results").path("items").size();
        gateway.postJson("exams/" + examId + "/release", Map.of(), 200);
        var after = studentClient.getJson("students/" + student + "/results").path("items");
        StringBuilder scores = new StringBuilder();
        after.forEach(item -> scores.append(" Q").append(item.path("questionNumber").asInt()).append(' ')
                .append(item.path("score").decimalValue().stripTrailingZeros().toPlainString()).append('/')
                .append(item.path("maxScore").decimalValue().stripTrailingZeros().toPlainString()));
        out.printf("   student %s              %d result(s) before the release; after POST /exams/{id}/release:%s%n",
                student, before, scores);
        String classmate = exam.answers().getLast().studentId();
        int peek = studentClient.call("GET", "students/" + classmate + "/results", null).statusCode();
        out.printf("   the same student asking for %s's results -> %d%n", classmate, peek);
        return anonymous.statusCode() == 401 && read.statusCode() == 200 && walled.statusCode() == 404 && before == 0
                && after.size() == exam.questions().size() && peek == 403;
    }

    /**
     * Overrides the first result's score by one step (down, or up from zero) and follows its saga to the end:
     * grading-service's score, the result cache and the channels change together. True when it COMPLETED and the
     * result shows the new score.
     */
    private static boolean printOverride(GatewayClient gateway, Job job, SampleExam exam, PrintStream out)
            throws InterruptedException {
        JsonNode result = gateway.getJson("grading-jobs/" + job.id() + "/results?page_size=1").path("items").get(0);
        int number = result.path("questionNumber").asInt();
        BigDecimal step = exam.questions().stream().filter(q -> q.number() == number).findFirst().orElseThrow()
                .scoreStep();
        BigDecimal old = result.path("score").decimalValue();
        BigDecimal score = old.signum() > 0 ? old.subtract(step) : old.add(step);
        String student = result.path("studentId").asText();
        JsonNode accepted = gateway.postJson("submissions/" + result.path("submissionId").asText() + "/override",
                Map.of("jobId", job.id(), "score", score, "reason", "demo: re-marked by the teacher"), 202);
        String sagaId = accepted.path("sagaId").asText();
        out.printf(Locale.ROOT, "   %s Q%d: %s → %s, saga %s (%d identical answer(s) named for the teacher)%n",
                student, number, plain(old), plain(score), sagaId, accepted.path("identicalAnswers").size());
        JsonNode saga = gateway.getJson("sagas/" + sagaId);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!List.of("COMPLETED", "COMPENSATED", "PARKED", "RESOLVED").contains(saga.path("state").asText())
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
            saga = gateway.getJson("sagas/" + sagaId);
        }
        for (JsonNode attempt : saga.path("steps")) {
            out.printf(Locale.ROOT, "   %-17s %-14s %-8s %5d ms%n", attempt.path("name").asText(),
                    attempt.path("participant").asText(), attempt.path("outcome").asText(),
                    attempt.path("durationMs").asLong());
        }
        BigDecimal now = gateway.getJson("grading-jobs/" + job.id() + "/results?filter[studentId]=" + student
                + "&filter[questionNumber]=" + number).path("items").get(0).path("score").decimalValue();
        boolean done = "COMPLETED".equals(saga.path("state").asText()) && now.compareTo(score) == 0;
        out.println("   saga " + saga.path("state").asText() + "; the result now shows " + plain(now)
                + (done ? "" : "  (expected " + plain(score) + ")"));
        return done;
    }

    /** How many sagas saga-service holds for this tenant, and how many wait for an operator. */
    /** The gateway span of a job start, as OpenTelemetry names a JAX-RS route. */
    private static final String JOB_START = "POST /api/v1/grading-jobs/{jobId}/start";

    /**
     * The newest job start's trace, once its spans have been exported (batched every few seconds): how many spans,
     * which services, how many stream hops and live-channel deliveries. Tracing is the operator's choice
     * ({@code ZHIYUE_OTEL_DISABLED}): without it the step says so and the demo goes on.
     */
    private static void printTrace(GatewayClient gateway, PrintStream out) throws InterruptedException {
        String query = "traces?page_size=1&filter[service]=api-gateway&filter[operation]="
                + java.net.URLEncoder.encode(JOB_START, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode trace = null;
        while (System.nanoTime() < deadline) {
            JsonNode found;
            try {
                found = gateway.getJson(query).path("items");
            } catch (RuntimeException e) {
                out.println("   tracing-service did not answer (" + e.getMessage() + ")");
                return;
            }
            if (found.size() > 0) {
                JsonNode candidate = gateway.getJson("traces/" + found.get(0).path("traceId").asText());
                // the job's stream hops are exported a few seconds after the request's own spans
                if (trace != null && candidate.path("spanCount").asInt() == trace.path("spanCount").asInt()
                        && candidate.path("spanCount").asInt() > 3) {
                    break;
                }
                trace = candidate;
            }
            Thread.sleep(2_000);
        }
        if (trace == null) {
            out.println("   no trace of the job start (spans are exported unless ZHIYUE_OTEL_DISABLED=true)");
            return;
        }
        List<JsonNode> spans = new ArrayList<>();
        trace.path("spans").forEach(span -> flatten(span, spans));
        long consumers = spans.stream().filter(span -> "CONSUMER".equals(span.path("kind").asText())).count();
        long deliveries = spans.stream().filter(span -> span.path("name").asText().endsWith(" deliver")).count();
        out.printf(Locale.ROOT, "   trace %s: %d spans across %s, %.0f ms from the request to its last span;%n"
                        + "   %d stream consumer spans (stream hops), %d live-channel deliveries, all under the gateway's "
                        + "request%n", trace.path("traceId").asText(), spans.size(),
                String.join(", ", toList(trace.path("services"))),
                trace.path("durationMs").asDouble(), consumers - deliveries, deliveries);
        out.println("   curl -s -H \"$AUTH\" " + gateway.base().resolve("/api/v1/traces/" + trace.path("traceId").asText()));
    }

    private static void flatten(JsonNode span, List<JsonNode> into) {
        into.add(span);
        span.path("children").forEach(child -> flatten(child, into));
    }

    private static List<String> toList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String sagas(GatewayClient gateway) {
        long all = gateway.getJson("sagas?page_size=1").path("total").asLong();
        long parked = gateway.getJson("sagas?page_size=1&filter[state]=PARKED").path("total").asLong();
        return all + " so far, " + parked + " waiting for an operator";
    }

    /**
     * The job's scores as a checkpoint, then the same once checked against the answer plan: the
     * second is stored as a patch from the first. Prints what each one stored against its state's size.
     */
    private static boolean printCheckpoints(GatewayClient gateway, Job job, PrintStream out) {
        Map<String, Object> scores = new LinkedHashMap<>();
        for (Result result : allResults(gateway, job.id())) {
            scores.put(result.submissionId(), result.score());
        }
        Map<String, Object> graded = new LinkedHashMap<>();
        graded.put("stage", "graded");
        graded.put("scores", scores);
        Map<String, Object> checked = new LinkedHashMap<>(graded);
        checked.put("stage", "checked");
        long now = System.currentTimeMillis();
        String thread = "checkpoints/" + job.id() + "/" + CHECKPOINT_NAMESPACE + "/";
        try {
            int step = 1;
            for (Map<String, Object> state : List.of(graded, checked)) {
                JsonNode saved = gateway.putJson(thread + CheckpointIds.at(now + step),
                        Map.of("state", state, "metadata", Map.of("stage", state.get("stage"))), 201);
                out.printf(Locale.ROOT, "   %d %s  %-8s %,7d bytes stored for a %,d-byte state (%d scores, stage %s)%n",
                        step++, saved.path("id").asText(), saved.path("isDelta").asBoolean() ? "delta" : "snapshot",
                        saved.path("dataSizeBytes").asInt(), saved.path("stateSizeBytes").asInt(), scores.size(),
                        state.get("stage"));
            }
            return true;
        } catch (GatewayException e) {
            out.println("   checkpoint failed: " + e.getMessage());
            return false;
        }
    }

    private static void printJobFigures(Job job, JobFollower.Outcome outcome, PrintStream out) {
        Duration duration = jobDuration(job, outcome);
        double seconds = Math.max(duration.toMillis() / 1000.0, 0.001);
        out.printf(Locale.ROOT, "   Job %s: %,d graded, %d failed of %,d in %.2f s (job start to %s)%n",
                job.state(), job.graded(), job.failed(), job.total(), seconds, job.state());
        BigDecimal rate = job.timings() != null && job.timings().submissionsPerSecond() != null
                ? job.timings().submissionsPerSecond()
                : BigDecimal.valueOf(job.graded() / seconds);
        out.printf(Locale.ROOT, "   Throughput: %,.0f submissions/s", rate.doubleValue());
        if (job.timings() != null && job.timings().publishToCommitP50Ms() != null) {
            out.printf(Locale.ROOT, "; task publish -> committed result p50 %s ms, p99 %s ms",
                    plain(job.timings().publishToCommitP50Ms()), plain(job.timings().publishToCommitP99Ms()));
        }
        out.println();
        if (outcome.liveChannelUsed()) {
            out.printf(Locale.ROOT, "   Live channel: %d progress events, final 100%% event %s, state change %s%n",
                    outcome.progressEvents(), outcome.sawFinalProgress() ? "received" : "NOT received",
                    outcome.sawFinalState() ? "received" : "NOT received");
        }
    }

    static Duration jobDuration(Job job, JobFollower.Outcome outcome) {
        if (job.timings() != null && job.timings().totalMs() != null) {
            return Duration.ofMillis(job.timings().totalMs());
        }
        if (job.startedAt() != null && job.completedAt() != null) {
            return Duration.between(job.startedAt(), job.completedAt());
        }
        return outcome.clientDuration();
    }

    private static void printStatistics(Statistics statistics, SampleExam exam, PrintStream out) {
        out.println();
        out.println("   Per question (from /statistics):");
        for (Statistics.QuestionStatistics q : statistics.questions()) {
            out.printf(Locale.ROOT, "   Q%d %s n=%d  mean %s / %s  std dev %s  min %s  max %s%n",
                    q.questionNumber(), pad(exam.kind(q.questionNumber()), 20), q.count(), round2(q.mean()),
                    plain(q.maxScore()), round2(q.stdDev()), plain(q.min()), plain(q.max()));
            long largest = q.distribution().stream().mapToLong(Statistics.Bucket::count).max().orElse(1);
            for (Statistics.Bucket bucket : q.distribution()) {
                int width = (int) Math.round(28.0 * bucket.count() / Math.max(largest, 1));
                out.printf(Locale.ROOT, "      %5s | %-28s %d%n", plain(bucket.score()),
                        "▇".repeat(Math.max(width, bucket.count() > 0 ? 1 : 0)), bucket.count());
            }
        }
    }

    /** Compares every result with the score the answer plan expects; prints the verdict. */
    private static boolean printCheck(GatewayClient gateway, Job job, SampleExam exam, PrintStream out) {
        List<Result> results = allResults(gateway, job.id());
        Set<String> submissions = new HashSet<>();
        List<String> mismatches = new ArrayList<>();
        for (Result result : results) {
            submissions.add(result.submissionId());
            BigDecimal expected = exam.expectedScore(result.studentId(), result.questionNumber());
            if (result.score() == null || expected.compareTo(result.score()) != 0) {
                mismatches.add(result.studentId() + " Q" + result.questionNumber() + ": got " + result.score()
                        + ", expected " + plain(expected));
            }
        }
        out.println();
        boolean allMatch = mismatches.isEmpty() && submissions.size() == exam.size() && results.size() == exam.size();
        out.printf(Locale.ROOT, "   Check: %,d results for %,d submissions (%,d distinct); %,d of them equal the "
                        + "score the answer plan expects%s%n", results.size(), exam.size(), submissions.size(),
                results.size() - mismatches.size(), allMatch ? " - all correct." : ".");
        mismatches.stream().limit(5).forEach(m -> out.println("     mismatch " + m));
        return allMatch;
    }

    /** Every result of the job, page by page with the keyset cursor (each page costs what the first does). */
    static List<Result> allResults(GatewayClient gateway, String jobId) {
        List<Result> results = new ArrayList<>();
        ResultPage page = gateway.results(jobId, 1, PAGE_SIZE);
        results.addAll(page.items());
        while (page.nextCursor() != null) {
            page = gateway.resultsAfter(jobId, page.nextCursor(), PAGE_SIZE);
            results.addAll(page.items());
        }
        return results;
    }

    static String plain(BigDecimal value) {
        if (value == null) {
            return "n/a";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : stripped.toPlainString();
    }

    /** Pads to a terminal width: CJK characters take two columns. */
    private static String pad(String text, int columns) {
        int width = text.codePoints().map(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN ? 2 : 1).sum();
        return text + " ".repeat(Math.max(1, columns - width));
    }

    private static String round2(BigDecimal value) {
        return value == null ? "n/a" : value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("demo: " + problem);
        System.err.println("usage: DemoMain [--gateway http://localhost:8080] [--students 200] [--seed 2024]");
        System.exit(2);
    }
}
