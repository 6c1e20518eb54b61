package io.zhiyue.e2e.driver;

import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Content;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The marking half of {@code ./zhiyue bench cache}: an ai-mode exam where a share of the answers are copies
 * (60 % by default), against the scripted OpenAI-compatible server (a TEST DOUBLE for a provider, started here,
 * answering every call after a fixed latency; not a model). Each run makes a new exam (a question no earlier run
 * marked) and grades it three times: without result reuse ({@code reuseResults: false}, every answer asked about),
 * with it on a cold cache (each distinct text asked about once, copies reused), and again once everything is cached.
 * Prints each job's time and LLM calls, then the medians and the speed-ups against the uncached job of the same run.
 *
 * <pre>ReuseBenchMain --llm-port 18199 [--gateway http://localhost:8080] [--answers 400] [--duplicates 0.6]
 *                [--runs 3] [--latency-ms 200]</pre>
 */
public final class ReuseBenchMain {

    private ReuseBenchMain() {
    }

    private record Timed(double seconds, int calls) {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int port = 18199;
        int answers = 400;
        double duplicates = 0.6;
        int runs = 3;
        int latencyMs = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(args[++i]);
                case "--llm-port" -> port = Integer.parseInt(args[++i]);
                case "--answers" -> answers = Integer.parseInt(args[++i]);
                case "--duplicates" -> duplicates = Double.parseDouble(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int distinct = Math.max(1, (int) Math.round(answers * (1 - duplicates)));
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        try (ScriptedOpenAiServer llm = ScriptedOpenAiServer.start(port)) {
            llm.latency(Duration.ofMillis(latencyMs)).otherwise(request -> new Content(
                    "{\"points\":[{\"id\":\"kw\",\"awarded\":true,\"evidence\":\"光合作用\"}],\"score\":4,"
                            + "\"confidence\":0.8,\"reason\":\"scripted\"}"));
            out.printf(Locale.ROOT, "marking with result reuse: %d answers of one ai-mode question, %d distinct texts "
                    + "(%.0f %% copies), the scripted LLM (a test double) at %d ms per call%n", answers, distinct,
                    100.0 * (answers - distinct) / answers, latencyMs);
            List<Double> uncached = new ArrayList<>();
            List<Double> cold = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            List<Double> coldSpeedUp = new ArrayList<>();
            List<Double> warmSpeedUp = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                String examId = exam(gateway, answers, distinct, run);
                Timed without = graded(gateway, llm, examId, false);
                Timed first = graded(gateway, llm, examId, true);
                Timed again = graded(gateway, llm, examId, true);
                out.printf(Locale.ROOT, "  run %d: without reuse %.2f s (%d LLM calls); with reuse, cold cache %.2f s "
                        + "(%d calls); everything cached %.2f s (%d calls)%n", run, without.seconds(), without.calls(),
                        first.seconds(), first.calls(), again.seconds(), again.calls());
                uncached.add(without.seconds());
                cold.add(first.seconds());
                warm.add(again.seconds());
                coldSpeedUp.add(without.seconds() / first.seconds());
                warmSpeedUp.add(without.seconds() / again.seconds());
            }
            out.printf(Locale.ROOT, "duplicate-heavy exam, medians of %d runs: without reuse %.2f s (%.1f answers/s), "
                    + "cold cache %.2f s (%.1f answers/s, %.2f× faster), everything cached %.2f s (%.1f answers/s, "
                    + "%.2f× faster) — target ≥ 2×%n", runs, Stats.median(uncached), answers / Stats.median(uncached),
                    Stats.median(cold), answers / Stats.median(cold), Stats.median(coldSpeedUp), Stats.median(warm),
                    answers / Stats.median(warm), Stats.median(warmSpeedUp));
        }
    }

    /** A new exam whose answers repeat {@code distinct} texts, the first {@code distinct} answers each new. */
    private static String exam(GatewayClient gateway, int answers, int distinct, int run) {
        String examId = gateway.createExam("reuse bench " + run + " " + System.nanoTime(), "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "植物的能量从哪里来？ "
                + UUID.randomUUID(), "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai"),
                "rubric", Map.of("points", List.of(Map.of("id", "kw", "description", "names photosynthesis",
                        "points", 4, "match", Map.of("anyOf", List.of("光合作用")))))), 201);
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < answers; i++) {
            int text = i < distinct ? i : (int) ((i * 7919L) % distinct);
            csv.append("reuse-bench-").append(i).append(",1,植物通过光合作用获得能量，第").append(text).append("种说法\n");
        }
        gateway.uploadCsv(examId, csv.toString());
        return examId;
    }

    private static Timed graded(GatewayClient gateway, ScriptedOpenAiServer llm, String examId, boolean reuse)
            throws InterruptedException {
        int before = llm.requests().size();
        String jobId = gateway.createJob(examId, Map.of("reuseResults", reuse)).id();
        long started = System.nanoTime();
        gateway.startJob(jobId);
        while (!gateway.job(jobId).isFinal()) {
            Thread.sleep(20);
        }
        return new Timed((System.nanoTime() - started) / 1e9, llm.requests().size() - before);
    }
}
