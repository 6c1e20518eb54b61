package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Content;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Tokens;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The LLM grader through the gateway, against the scripted OpenAI-compatible server (a test double
 * for the provider, never a model): an ai-mode job graded with its checked proposals, the
 * explanation relayed token by token in order, and a client that leaves mid-stream stops the call
 * to the provider (the scripted server sees the connection close). Its own processes, because the
 * LLM is configured per process: the default tenant is the one that opted in.
 */
class LlmEndToEndIT {

    private static final ScriptedOpenAiServer LLM = ScriptedOpenAiServer.start(0);
    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() {
        suite = SuiteProcesses.start("e2e-llm", Devstack.shared(), 1, Map.of("ZHIYUE_LLM_BASE_URL", LLM.baseUrl(),
                "ZHIYUE_LLM_MODEL", "scripted", "ZHIYUE_LLM_OPTED_IN_TENANTS", "demo-school"));
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
        LLM.close();
    }

    /**
     * An ai-mode exam where 60 % of the answers are copies, the LLM taking 200 ms a call: a job that does not reuse
     * results asks about all 50; the first job that does asks about each of the 20 texts once, and the next one asks
     * nothing, every answer coming from cache-service; all three mark every answer alike.
     */
    @Test
    void identicalAnswersAreMarkedFromTheCacheWithTheResultsOfAnUncachedRun() {
        LLM.reset();
        LLM.latency(Duration.ofMillis(200));
        try {
            String examId = gateway.createExam("copied answers", "biology");
            gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "植物的能量从哪里来？ "
                    + UUID.randomUUID(), "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai"),
                    "rubric", Map.of("points", List.of(Map.of("id", "kw", "description", "names photosynthesis",
                            "points", 4, "match", Map.of("anyOf", List.of("光合作用")))))), 201);
            LLM.otherwise(request -> {
                boolean names = request.lastUserMessage().contains("<<<植物通过光合作用");
                return new Content("{\"points\":[{\"id\":\"kw\",\"awarded\":" + names + ",\"evidence\":\""
                        + (names ? "光合作用" : "") + "\"}],\"score\":" + (names ? 4 : 0)
                        + ",\"confidence\":0.8,\"reason\":\"scripted\"}");
            });
            // 50 answers, 20 texts: the first 20 distinct, the other 30 copies of them
            StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
            for (int i = 0; i < 50; i++) {
                int text = i < 20 ? i : (i * 7) % 20;
                csv.append("copy-").append(i).append(",1,")
                        .append(text % 2 == 0 ? "植物通过光合作用获得能量 " : "植物从土壤里吸收能量 ").append(text).append('\n');
            }
            gateway.uploadCsv(examId, csv.toString());

            JsonNode uncached = graded(examId, Map.of("reuseResults", false));
            assertThat(LLM.requests()).hasSize(50);
            assertThat(reusedOf(uncached)).containsOnlyNulls();

            int before = LLM.requests().size();
            JsonNode first = graded(examId, Map.of());
            List<String> asked = LLM.requests().subList(before, LLM.requests().size()).stream()
                    .map(request -> request.lastUserMessage()).toList();
            // each text asked about once: no call for an answer whose text was already marked
            assertThat(asked).hasSize(20).doesNotHaveDuplicates();
            assertThat(reusedOf(first).stream().filter(java.util.Objects::nonNull)).hasSizeGreaterThanOrEqualTo(30);
            assertThat(marks(first)).isEqualTo(marks(uncached));

            before = LLM.requests().size();
            JsonNode next = graded(examId, Map.of());
            assertThat(LLM.requests()).hasSize(before);
            assertThat(reusedOf(next)).hasSize(50).allMatch(source -> Set.of("local", "redis", "postgres")
                    .contains(source));
            assertThat(marks(next)).isEqualTo(marks(uncached));
        } finally {
            LLM.reset();
        }
    }

    private static JsonNode graded(String examId, Map<String, Object> settings) {
        String jobId = gateway.startJob(gateway.createJob(examId, settings).id()).id();
        await().atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        assertThat(gateway.job(jobId).state()).isEqualTo("COMPLETED");
        JsonNode results = gateway.getJson("grading-jobs/" + jobId + "/results?sort_by=studentId&page_size=100");
        assertThat(results.path("items")).hasSize(50);
        return results.path("items");
    }

    private static List<String> reusedOf(JsonNode items) {
        List<String> reused = new ArrayList<>();
        items.forEach(item -> reused.add(item.path("reused").isNull() || item.path("reused").isMissingNode() ? null
                : item.path("reused").asText()));
        return reused;
    }

    /** Each student's proposed score, confidence and point decisions. */
    private static Map<String, String> marks(JsonNode items) {
        Map<String, String> marks = new java.util.TreeMap<>();
        items.forEach(item -> marks.put(item.path("studentId").asText(), item.path("proposedScore").decimalValue()
                .stripTrailingZeros().toPlainString() + " " + item.path("confidence").asText() + " "
                + item.path("points")));
        return marks;
    }

    @Test
    void anAiJobIsGradedThroughTheLlmAndItsExplanationStreamsThroughTheGateway() throws Exception {
        String examId = gateway.createExam("the LLM grader", "biology");
        // a question of this run only: the calls counted below are not answered from an earlier run's results
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "植物的能量从哪里来？ " + UUID.randomUUID(),
                "maxScore", 4, "scoreStep", 1, "referenceAnswer", "光合作用把光能转化为化学能",
                // people review every proposal, so the answers are review items a marker opens (below)
                "marking", Map.of("mode", "ai", "autoAccept", Map.of("enabled", false)),
                "rubric", Map.of("points", List.of(Map.of("id", "kw", "description", "names photosynthesis",
                        "points", 4, "match", Map.of("anyOf", List.of("光合作用"))))))
                , 201);
        // the double awards the point when the answer names the process, quoting it
        LLM.otherwise(request -> {
            boolean names = request.lastUserMessage().contains("<<<植物通过光合作用");
            return new Content("{\"points\":[{\"id\":\"kw\",\"awarded\":" + names + ",\"evidence\":\""
                    + (names ? "光合作用" : "") + "\"}],\"score\":" + (names ? 4 : 0)
                    + ",\"confidence\":0.8,\"reason\":\"scripted\"}");
        });
        gateway.uploadCsv(examId, "student_id,question_number,answer\nllm-student-1,1,植物通过光合作用获得能量\n"
                + "llm-student-2,1,植物从土壤里吸收能量\n");
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await().atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        Job done = gateway.job(jobId);
        assertThat(done.state()).isEqualTo("COMPLETED");
        JsonNode results = gateway.getJson("grading-jobs/" + jobId + "/results?sort_by=studentId");
        assertThat(results.path("items")).hasSize(2);
        JsonNode right = results.path("items").get(0);
        assertThat(right.path("graderId").asText()).contains("llm");
        assertThat(right.path("proposedScore").asInt()).isEqualTo(4);
        assertThat(right.path("points").get(0).path("evidence").asText()).isEqualTo("光合作用");
        assertThat(results.path("items").get(1).path("proposedScore").asInt()).isZero();
        assertThat(gateway.getJson("grading-jobs/" + jobId).path("llm").path("tokensIn").asLong()).isPositive();
        assertThat(LLM.requests()).hasSize(2).noneMatch(request -> request.body().contains("llm-student"));

        // the explanation, relayed by the gateway event by event in the provider's order
        String submission = right.path("submissionId").asText();
        List<String> tokens = List.of("It", " names", " 光合作用", ",", " so", " 4", " points", ".");
        LLM.otherwise(request -> new Tokens(tokens, Duration.ofMillis(20)));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI explanation = gateway.base().resolve("api/v1/submissions/" + submission + "/explanation");
        HttpResponse<InputStream> response = http.send(gateway.authorize(HttpRequest.newBuilder(explanation))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        expectTokens(response, tokens);

        // a client that leaves after the first token: the provider's stream is closed, not written to the end
        List<String> endless = Collections.nCopies(400, " token");
        LLM.otherwise(request -> new Tokens(endless, Duration.ofMillis(25)));
        HttpResponse<InputStream> leaving = http.send(gateway.authorize(HttpRequest.newBuilder(explanation)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(leaving.body(), StandardCharsets.UTF_8));
        String first;
        do {
            first = reader.readLine();
        } while (first != null && !first.startsWith("data: "));
        assertThat(first).contains("\"type\":\"token\"");
        reader.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> LLM.closedByClient() >= 1);
        assertThat(LLM.streamsFinished()).isEqualTo(1);

        // a marker asks by the review item (the dashboard's marking screen): the same stream, never the submission's
        // route, which is staff's
        LLM.otherwise(request -> new Tokens(tokens, Duration.ofMillis(20)));
        GatewayClient marker = gateway.as("llm-marker", "marker");
        gateway.putJson("exams/" + examId + "/markers",
                Map.of("markers", List.of(Map.of("markerId", "llm-marker", "questionNumbers", List.of(1)))));
        String item = null;
        for (JsonNode candidate : gateway.getJson("exams/" + examId + "/review-items").path("items")) {
            if (candidate.path("answer").asText().equals("植物通过光合作用获得能量")) {
                item = candidate.path("id").asText();
            }
        }
        assertThat(item).as("the LLM-proposed answer's review item").isNotNull();
        expectTokens(http.send(marker.authorize(HttpRequest.newBuilder(gateway.base().resolve(
                "api/v1/review-items/" + item + "/explanation"))).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()), tokens);
        assertThat(http.send(marker.authorize(HttpRequest.newBuilder(explanation)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
    }

    /** An explanation's server-sent events: {@code tokens} in order, then done. */
    private static void expectTokens(HttpResponse<InputStream> response, List<String> tokens) throws IOException {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(io.zhiyue.shared.json.JsonCodec.mapper().readTree(line.substring(6)));
                }
            }
        }
        assertThat(events).hasSize(tokens.size() + 1);
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(events.get(i).path("type").asText()).isEqualTo("token");
            assertThat(events.get(i).path("text").asText()).isEqualTo(tokens.get(i));
        }
        assertThat(events.getLast().path("type").asText()).isEqualTo("done");
    }
}
