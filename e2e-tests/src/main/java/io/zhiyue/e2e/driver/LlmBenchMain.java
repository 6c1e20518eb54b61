package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Content;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Tokens;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./zhiyue bench marking --llm}: the LLM grader against the scripted OpenAI-compatible
 * server (a TEST DOUBLE for a provider, started here, answering every call after a fixed latency;
 * not a model). Prints the proposals per second of ai-mode jobs at the default bulkhead next to
 * the ceiling the bulkhead allows (processes × 8 calls ÷ latency), and the first token's overhead:
 * from the moment the double flushes the provider's first token to the moment the client reads
 * it, through the gateway and straight from grading-service (same clock: the double runs in this
 * process), medians over the runs; the gateway's share is the difference.
 *
 * <pre>LlmBenchMain --llm-port 18199 --grading http://localhost:8081 [--answers 400] [--runs 3]
 *              [--streams 30] [--latency-ms 200] [--processes 2] [--gateway http://localhost:8080]</pre>
 */
public final class LlmBenchMain {

    private LlmBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        URI gradingUrl = URI.create("http://localhost:8081");
        int port = 18199;
        int answers = 400;
        int runs = 3;
        int streams = 30;
        int latencyMs = 200;
        int processes = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(args[++i]);
                case "--grading" -> gradingUrl = URI.create(args[++i]);
                case "--llm-port" -> port = Integer.parseInt(args[++i]);
                case "--answers" -> answers = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[++i]);
                case "--processes" -> processes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        try (ScriptedOpenAiServer llm = ScriptedOpenAiServer.start(port)) {
            llm.latency(Duration.ofMillis(latencyMs)).otherwise(request -> new Content(
                    "{\"points\":[{\"id\":\"kw\",\"awarded\":true,\"evidence\":\"光合作用\"}],\"score\":4,"
                            + "\"confidence\":0.8,\"reason\":\"scripted\"}"));
            out.printf(Locale.ROOT, "bench marking --llm: the scripted OpenAI-compatible server (a test double, %d ms per call), "
                    + "%d grading-service processes, default bulkhead 8 calls each%n", latencyMs, processes);
            double ceiling = processes * 8 * 1000.0 / latencyMs;
            List<Double> rates = new ArrayList<>();
            String lastSubmission = null;
            for (int run = 1; run <= runs; run++) {
                String examId = gateway.createExam("llm bench " + run + " " + System.nanoTime(), "biology");
                gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "植物的能量从哪里来？",
                        "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai"),
                        "rubric", Map.of("points", List.of(Map.of("id", "kw", "description", "names photosynthesis",
                                "points", 4, "match", Map.of("anyOf", List.of("光合作用")))))), 201);
                StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
                for (int i = 0; i < answers; i++) {
                    csv.append("llm-bench-").append(i).append(",1,植物通过光合作用获得能量，第").append(run).append('-')
                            .append(i).append("号答案\n");
                }
                gateway.uploadCsv(examId, csv.toString());
                int before = llm.requests().size();
                String jobId = gateway.createJob(examId).id();
                long started = System.nanoTime();
                gateway.startJob(jobId);
                while (!gateway.job(jobId).isFinal()) {
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                int calls = llm.requests().size() - before;
                double rate = answers / seconds;
                rates.add(rate);
                out.printf(Locale.ROOT, "  run %d: %d answers, %d calls, %.1f s: %.1f proposals/s (most calls at once: %d)%n",
                        run, answers, calls, seconds, rate, llm.mostInFlight());
                JsonNode results = gateway.getJson("grading-jobs/" + jobId + "/results?page_size=1");
                lastSubmission = results.path("items").get(0).path("submissionId").asText();
            }
            out.printf(Locale.ROOT, "proposals per second: median %.1f (the bulkhead's ceiling: %d processes × 8 ÷ %d ms = %.0f/s)%n",
                    Stats.median(rates), processes, latencyMs, ceiling);

            // first token: the double flushes it after the latency; the client reads it
            llm.otherwise(request -> new Tokens(List.of("It", " names", " the", " process", "."), Duration.ZERO));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String path = "api/v1/submissions/" + lastSubmission + "/explanation";
            List<Double> viaGateway = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int i = 0; i < streams + 3; i++) {
                double g = firstTokenMillis(http, gatewayUrl.resolve("/" + path), llm);
                double d = firstTokenMillis(http, gradingUrl.resolve("/" + path), llm);
                if (i >= 3) {
                    viaGateway.add(g);
                    direct.add(d);
                }
            }
            out.printf(Locale.ROOT, "first token, from the provider's flush to the client: through the gateway median %.2f ms "
                    + "(p95 %.2f), straight from grading-service median %.2f ms (p95 %.2f); the gateway adds %.2f ms "
                    + "(%d streams each, after 3 warm-up)%n", Stats.median(viaGateway), Stats.percentile(viaGateway, 0.95),
                    Stats.median(direct), Stats.percentile(direct, 0.95),
                    Stats.median(viaGateway) - Stats.median(direct), streams);
        }
    }

    private static double firstTokenMillis(HttpClient http, URI uri, ScriptedOpenAiServer llm)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(GatewayClient.directRequest(uri)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode());
        }
        long read = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (read == 0 && line.startsWith("data: ") && line.contains("\"token\"")) {
                    read = System.nanoTime();
                }
            }
        }
        return (read - llm.firstTokenSentNanos()) / 1e6;
    }
}
