package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.LiveChannelClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across every service and stream hop, as the launcher runs the suite (tracing-service first, every other
 * service exporting OTLP/protobuf to it), read back through the gateway: a job started with a known
 * {@code traceparent} shows the gateway's request, grading-service's REST handling, its stream consumers and the
 * live channel's delivery, each span under its parent; an override shows the saga's steps in grading-service and
 * cache-service in the same trace; a span over its threshold reaches the WebSocket {@code system} channel as
 * SLOW_SPAN. The suite runs all six services, so it also checks that every metric the alerts and the dashboards
 * read is exported by one of them.
 */
class TracingEndToEndIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() {
        // every statement counts as slow, so the slow-statement histogram the slow-query alert reads exists (below)
        suite = SuiteProcesses.startTraced("e2e-tracing", Devstack.shared(), 1,
                Map.of("ZHIYUE_DB_SLOW_STATEMENT_THRESHOLD", "0ms"));
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void aJobStartedWithATraceparentIsOneTreeFromTheGatewayThroughTheStreamsToTheLiveChannel() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = SagaEndToEndIT.keywordExam(gateway, "traced " + tag);
        gateway.uploadCsv(examId, "student_id,question_number,answer\nt1-" + tag + ",1,光合作用\nt2-" + tag
                + ",1,呼吸作用\n");
        String jobId = gateway.createJob(examId).id();
        String trace = hex(16);
        String caller = hex(8);
        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.subscribe("job:" + jobId);
            assertThat(post("grading-jobs/" + jobId + "/start", "", trace, caller)).isBetween(200, 299);
            await("job " + jobId + " done").atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        }
        await("the job's trace").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> spans = spans(trace);
                    assertThat(spans).anySatisfy(span -> {
                        assertThat(span.path("service").asText()).isEqualTo("api-gateway");
                        assertThat(span.path("kind").asText()).isEqualTo("SERVER");
                        assertThat(span.path("parentSpanId").asText()).isEqualTo(caller);
                    });
                    assertThat(spans).anySatisfy(span -> {
                        assertThat(span.path("service").asText()).isEqualTo("grading-service");
                        assertThat(span.path("kind").asText()).isEqualTo("SERVER");
                    });
                    assertThat(spans).anySatisfy(span -> {
                        assertThat(span.path("service").asText()).isEqualTo("grading-service");
                        assertThat(span.path("kind").asText()).isEqualTo("CONSUMER");
                        assertThat(span.path("name").asText()).endsWith(" process");
                    });
                    assertThat(spans).anySatisfy(span -> {
                        assertThat(span.path("service").asText()).isEqualTo("api-gateway");
                        assertThat(span.path("name").asText()).isEqualTo("zhiyue:events deliver");
                    });
                    // one tree: every span hangs under another of the trace, but the gateway's, under the caller's
                    JsonNode tree = gateway.getJson("traces/" + trace);
                    assertThat(tree.path("spans")).hasSize(1);
                    assertThat(tree.path("spans").get(0).path("parentSpanId").asText()).isEqualTo(caller);
                    Set<String> parents = spans.stream().map(span -> span.path("spanId").asText())
                            .collect(Collectors.toCollection(java.util.HashSet::new));
                    parents.add(caller);
                    assertThat(spans).allSatisfy(span -> assertThat(parents)
                            .contains(span.path("parentSpanId").asText()));
                });
    }

    @Test
    void anOverridesSagaStepsInGradingAndCacheServiceAreInTheOverridesTrace() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = SagaEndToEndIT.keywordExam(gateway, "traced override " + tag);
        gateway.uploadCsv(examId, "student_id,question_number,answer\no1-" + tag + ",1,光合作用\n");
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await().atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        String submission = gateway.getJson("grading-jobs/" + jobId + "/results").path("items").get(0)
                .path("submissionId").asText();
        String trace = hex(16);
        assertThat(post("submissions/" + submission + "/override", "{\"jobId\":\"" + jobId
                + "\",\"score\":3,\"reason\":\"traced\"}", trace, hex(8))).isEqualTo(202);
        await("the override's trace").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> spans = spans(trace);
                    assertThat(spans).anySatisfy(span -> {
                        assertThat(span.path("service").asText()).isEqualTo("cache-service");
                        assertThat(span.path("name").asText()).isEqualTo("zhiyue:saga:commands:cache-service process");
                    });
                    assertThat(spans).anySatisfy(span -> {
                        assertThat(span.path("service").asText()).isEqualTo("grading-service");
                        assertThat(span.path("name").asText())
                                .isEqualTo("zhiyue:saga:commands:grading-service process");
                    });
                    assertThat(spans).anySatisfy(span -> assertThat(span.path("service").asText())
                            .isEqualTo("saga-service"));
                });
    }

    @Test
    void aSpanOverItsThresholdReachesTheSystemChannel() throws Exception {
        String trace = hex(16);
        long start = System.currentTimeMillis() * 1_000_000L;
        String export = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"e2e-exporter"}}]},
                  "scopeSpans":[{"spans":[{"traceId":"%s","spanId":"%s","name":"GET /slow","kind":2,
                    "startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}]}""".formatted(trace, hex(8), start,
                start + 900_000_000L);
        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.subscribe("system");
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(suite.tracingProcess().url()
                            .resolve("/v1/traces")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(export)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            await("SLOW_SPAN on the system channel").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(live.messages("SLOW_SPAN")).anySatisfy(message -> {
                        assertThat(message.channel()).isEqualTo("system");
                        assertThat(message.data().path("traceId").asText()).isEqualTo(trace);
                        assertThat(message.data().path("service").asText()).isEqualTo("e2e-exporter");
                    }));
        }
    }

    /**
     * The alerts and the dashboards read metrics the services really export: after a little of everything (a job
     * graded with a live socket watching, a blind check of an AI proposal, an override's saga), every metric name
     * in rules.yml and in the dashboards' queries is on some service's {@code /q/metrics}. This suite runs all six
     * services with every database statement counted as slow, so that histogram is there too.
     */
    @Test
    void everyMetricTheAlertsAndTheDashboardsReadIsExported() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = SagaEndToEndIT.keywordExam(gateway, "metered " + tag);
        gateway.uploadCsv(examId, "student_id,question_number,answer\nm1-" + tag + ",1,光合作用\n");
        String jobId = gateway.createJob(examId).id();
        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.subscribe("job:" + jobId);
            gateway.startJob(jobId);
            await("job " + jobId + " done").atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        }
        String submission = gateway.getJson("grading-jobs/" + jobId + "/results").path("items").get(0)
                .path("submissionId").asText();
        String sagaId = gateway.postJson("submissions/" + submission + "/override", Map.of("jobId", jobId, "score", 3,
                "reason", "metered"), 202).path("sagaId").asText();
        blindCheck(tag);
        await("saga " + sagaId + " ended").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Set.of("COMPLETED", "COMPENSATED", "PARKED", "RESOLVED")
                        .contains(gateway.getJson("sagas/" + sagaId).path("state").asText()));

        List<MonitoringQueries.Query> queries = MonitoringQueries.all(MonitoringQueries.root());
        assertThat(queries).isNotEmpty();
        Path scrapes = Files.createDirectories(MonitoringQueries.root().resolve("e2e-tests/target/metrics"));
        Set<String> exported = new TreeSet<>();
        for (ServiceProcess process : suite.processes()) {
            HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(process.url().resolve("/q/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as(process.name() + " /q/metrics").isEqualTo(200);
            Files.writeString(scrapes.resolve(process.name() + ".prom"), metrics.body());
            exported.addAll(MonitoringQueries.exposed(metrics.body()));
        }
        assertThat(MonitoringQueries.missing(queries, exported))
                .as("metrics the alerts or the dashboards read that no service exports (each service's scrape is in "
                        + scrapes + ")")
                .isEmpty();
    }

    /** An ai-mode question under double marking, one answer, and a marker's first mark on the AI's proposal. */
    private static void blindCheck(String tag) {
        String examId = gateway.createExam("blind check " + tag, "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "What does photosynthesis "
                + "release?", "maxScore", 4, "scoreStep", 0.5, "rubric", Map.of("points", List.of(Map.of("id", "o2",
                        "description", "names oxygen", "points", 4, "match", Map.of("anyOf", List.of("oxygen"))))),
                "marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 1))), 201);
        gateway.uploadCsv(examId, "student_id,question_number,answer\nb1-" + tag + ",1,oxygen\n");
        gateway.putJson("exams/" + examId + "/markers", Map.of("markers", List.of(
                Map.of("markerId", "m1-" + tag, "questionNumbers", List.of(1)))));
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await("job " + jobId + " done").atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        JsonNode item = gateway.nextReviewItem(examId, "m1-" + tag).orElseThrow();
        gateway.as("m1-" + tag, "marker").postJson("review-items/" + item.path("id").asText() + "/marks",
                Map.of("score", 3.5, "markerId", "m1-" + tag), 200);
    }

    /** Every span of the trace, flattened from the tree the gateway answers (none yet: empty). */
    private static List<JsonNode> spans(String trace) {
        List<JsonNode> all = new ArrayList<>();
        JsonNode tree;
        try {
            tree = gateway.getJson("traces/" + trace);
        } catch (RuntimeException notYet) {
            return all;
        }
        tree.path("spans").forEach(span -> flatten(span, all));
        return all;
    }

    private static void flatten(JsonNode span, List<JsonNode> all) {
        all.add(span);
        span.path("children").forEach(child -> flatten(child, all));
    }

    /** A POST through the gateway carrying the caller's W3C traceparent; its status. */
    private static int post(String path, String json, String trace, String parent) throws Exception {
        URI uri = gateway.base().resolve("/api/v1/" + path);
        return HTTP.send(gateway.authorize(HttpRequest.newBuilder(uri)).header("Content-Type", "application/json")
                .header("traceparent", "00-" + trace + "-" + parent + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** A random W3C trace or span id of {@code bytes} bytes, never all zeros. */
    static String hex(int bytes) {
        byte[] id = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] = 1;
        return HexFormat.of().formatHex(id);
    }
}
