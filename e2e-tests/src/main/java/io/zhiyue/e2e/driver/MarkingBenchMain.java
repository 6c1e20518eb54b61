package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./zhiyue bench marking}: answers embedded per second by the in-process embedding model,
 * for answers of about 30 and about 120 characters (the targets here: ≥ 300/s and ≥ 80/s,
 * one core). Each run uploads fresh distinct answers to a new ai-mode question and asks
 * grading-service to embed them; the figure is the service's own (embedding time only, the model
 * already loaded by warm-up calls), printed per run with the median.
 *
 * <p>Then the exemplar grader ({@link ExemplarBench}): proposals per second of a job over one
 * question of {@code --question-answers} answers, {@code --teacher-marks} of them marked, its
 * embeddings stored first; a rule-mode job over the same answers as the same run's baseline (both
 * {@code --job-runs} times, medians); and p50/p99 of a review-queue page after it.
 *
 * <pre>MarkingBenchMain [--answers 2000] [--long-answers 800] [--runs 3] [--question-answers 20000]
 *                  [--teacher-marks 2000] [--job-runs 3] [--gateway http://localhost:8080]</pre>
 */
public final class MarkingBenchMain {

    private static final String SHORT = "光合作用在叶绿体中进行，释放氧气，第%d号答案%s";
    private static final String LONG = "光合作用是植物利用光能，在叶绿体中把二氧化碳和水转化为储存能量的有机物，并且释放出氧气的过程。"
            + "这个过程分为光反应和暗反应两个阶段，光反应在类囊体薄膜上进行，暗反应在叶绿体基质中进行。第%d号答案%s";
    /** Every grading-service process loads the model once; these calls make sure each has. */
    private static final int WARM_UP_CALLS = 4;

    private MarkingBenchMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int shortAnswers = 2_000;
        int longAnswers = 800;
        int runs = 3;
        int questionAnswers = 20_000;
        int teacherMarks = 2_000;
        int jobRuns = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(value(args, ++i));
                case "--answers" -> shortAnswers = number(args, ++i);
                case "--long-answers" -> longAnswers = number(args, ++i);
                case "--runs" -> runs = number(args, ++i);
                case "--question-answers" -> questionAnswers = number(args, ++i);
                case "--teacher-marks" -> teacherMarks = number(args, ++i);
                case "--job-runs" -> jobRuns = number(args, ++i);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (shortAnswers < 1 || longAnswers < 1 || runs < 1 || questionAnswers < 1 || jobRuns < 1) {
            usage("--answers, --long-answers, --runs, --question-answers and --job-runs take a positive number");
        }
        if (teacherMarks < ExemplarBench.MIN_TEACHER_MARKS || teacherMarks >= questionAnswers) {
            usage("--teacher-marks takes at least " + ExemplarBench.MIN_TEACHER_MARKS
                    + " (fewer and the exemplar grader proposes nothing) and fewer than --question-answers");
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        if (!gateway.isReady()) {
            System.err.println("bench: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        try {
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                embed(gateway, SHORT, 20);
            }
            out.println("bench marking: the in-process embedding model (bge-small-zh-v1.5 int8, one core per process)");
            double shortRate = measure(gateway, out, "~30 characters", SHORT, shortAnswers, runs, 300);
            measure(gateway, out, "~120 characters", LONG, longAnswers, runs, 80);
            out.println();
            if (!new ExemplarBench(gateway, out, questionAnswers, teacherMarks).run(jobRuns, shortRate)) {
                System.exit(1);
            }
        } catch (GatewayException | UncheckedIOException | IllegalStateException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Prints each run's rate and the median; answers the median. */
    private static double measure(GatewayClient gateway, PrintStream out, String label, String template, int answers,
            int runs, int target) {
        List<Double> rates = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            JsonNode done = embed(gateway, template, answers);
            double rate = done.path("embeddedPerSecond").asDouble();
            rates.add(rate);
            out.printf(Locale.ROOT, "  %-16s run %d: %,d answers embedded in %.2f s = %,.0f answers/s%n", label, run,
                    done.path("embeddedNow").asInt(), done.path("embedSeconds").asDouble(), rate);
        }
        rates.sort(Double::compare);
        double median = rates.get(rates.size() / 2);
        out.printf(Locale.ROOT, "  %-16s median %,.0f answers/s (target here: at least %d/s) %s%n", label, median, target,
                median >= target ? "OK" : "BELOW TARGET");
        return median;
    }

    /** A new ai-mode question with {@code count} fresh distinct answers, embedded by grading-service. */
    private static JsonNode embed(GatewayClient gateway, String template, int count) {
        String examId = gateway.createExam("bench marking", "biology");
        String questionId = gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1,
                "prompt", "光合作用", "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai")), 201)
                .path("id").asText();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < count; i++) {
            csv.append("b").append(i).append(",1,\"").append(String.format(Locale.ROOT, template, i, tag)).append("\"\n");
        }
        gateway.uploadCsv(examId, csv.toString());
        JsonNode done = gateway.postJson("questions/" + questionId + "/embeddings", Map.of(), 200);
        if (done.path("embeddedNow").asInt() != count) {
            throw new IllegalStateException("expected " + count + " answers embedded, the service embedded "
                    + done.path("embeddedNow").asInt());
        }
        return done;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int number(String[] args, int i) {
        String text = value(args, i);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            usage(args[i - 1] + " takes a whole number, not '" + text + "'");
            return 0;
        }
    }

    private static void usage(String problem) {
        System.err.println("bench marking: " + problem);
        System.err.println("usage: MarkingBenchMain [--answers N] [--long-answers N] [--runs N] [--question-answers N] "
                + "[--teacher-marks N] [--job-runs N] [--gateway URL]");
        System.exit(2);
    }
}
