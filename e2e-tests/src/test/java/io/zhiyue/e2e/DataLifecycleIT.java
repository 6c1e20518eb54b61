package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.CheckpointIds;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deletions and erasures across the whole suite as the launcher runs it (README "Data lifecycle"): a student is
 * erased in every service that holds something of them — grading-service's answers and results, saga-service's
 * saga log, checkpoint-service's states of the job, tracing-service's span attributes (the erasure request's own,
 * exported after it, included), the gateway's live history —
 * and while checkpoint-service is stopped the erasure waits for it, completing once it is back. An exam's deletion
 * takes nothing before it is confirmed, then everything of it in every service.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataLifecycleIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration CONFIRMATIONS = Duration.ofSeconds(60);
    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() {
        // the suite exports spans every 100 ms, so tracing-service need not wait the default 20 s for late ones
        suite = SuiteProcesses.startTraced("e2e-lifecycle", Devstack.shared(), 1,
                Map.of("ZHIYUE_TRACING_ERASURE_SETTLE", "3s"));
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void aStudentIsErasedInEveryServiceAndAServiceDownAtTheTimeCatchesUp() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String student = "erase-" + tag;
        String kept = "keep-" + tag;
        String examId = SagaEndToEndIT.keywordExam(gateway, "erasure " + tag);
        gateway.uploadCsv(examId, "student_id,question_number,answer\n" + student + ",1,光合作用\n" + kept
                + ",1,光合作用\n");
        String jobId = gradedJob(examId);
        String submission = submissionOf(jobId, student);
        // a saga that names the student (an override), a checkpoint of the job, a trace of a request naming them
        String sagaId = gateway.postJson("submissions/" + submission + "/override",
                Map.of("jobId", jobId, "score", 3, "reason", "second method"), 202).path("sagaId").asText();
        await("the override saga").atMost(Duration.ofSeconds(60))
                .until(() -> "COMPLETED".equals(gateway.getJson("sagas/" + sagaId).path("state").asText()));
        assertThat(gateway.getJson("sagas/" + sagaId).toString()).contains(student);
        String checkpoints = "checkpoints/" + jobId + "/llm";
        gateway.putJson(checkpoints + "/" + CheckpointIds.at(System.currentTimeMillis()),
                Map.of("state", Map.of("answer", "光合作用", "submissionId", submission), "metadata", Map.of()), 201);
        String trace = TracingEndToEndIT.hex(16);
        HttpResponse<String> results = HTTP.send(gateway.authorize(HttpRequest.newBuilder(
                        gateway.base().resolve("api/v1/students/" + student + "/results")))
                .header("traceparent", "00-" + trace + "-" + TracingEndToEndIT.hex(8) + "-01").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(results.statusCode()).isEqualTo(200);
        await("the request's trace, naming the student").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> traceText(trace).contains(student));

        suite.stopCheckpoint();
        // the erasure's own request is traced too (its path names the student); its spans arrive after it answered
        String erasureTrace = TracingEndToEndIT.hex(16);
        HttpResponse<String> erased = HTTP.send(gateway.authorize(HttpRequest.newBuilder(
                        gateway.base().resolve("api/v1/students/" + student + "/erasure")))
                .header("traceparent", "00-" + erasureTrace + "-" + TracingEndToEndIT.hex(8) + "-01")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);
        JsonNode erasure = JsonCodec.mapper().readTree(erased.body());
        String id = erasure.path("id").asText();
        assertThat(erasure.path("kind").asText()).isEqualTo("STUDENT");
        assertThat(erasure.path("summary").path("examIds").get(0).asText()).isEqualTo(examId);
        assertThat(erasure.toString()).doesNotContain(student);

        // every running service confirms; the stopped one is awaited, not skipped
        await("every running service confirmed").atMost(CONFIRMATIONS).pollInterval(Duration.ofMillis(300))
                .until(() -> pending(id).equals(List.of("checkpoint-service")));
        assertThat(gateway.getJson("deletions/" + id).path("state").asText()).isEqualTo("IN_PROGRESS");
        JsonNode left = gateway.getJson("grading-jobs/" + jobId + "/results");
        assertThat(left.path("items").findValuesAsText("studentId")).containsExactly(kept);
        assertThat(gateway.getJson("sagas/" + sagaId).toString()).doesNotContain(student).contains("erased-");
        assertThat(traceText(trace)).doesNotContain(student);
        // tracing-service waited for late spans: the erasure request's own trace no longer names the student
        assertThat(traceText(erasureTrace)).contains("/erasure").doesNotContain(student);

        suite.startCheckpointAgain("after-erasure");
        await("checkpoint-service catches up").atMost(CONFIRMATIONS).pollInterval(Duration.ofMillis(300))
                .until(() -> "COMPLETED".equals(gateway.getJson("deletions/" + id).path("state").asText()));
        assertThat(gateway.call("GET", checkpoints + "/latest", null).statusCode()).isEqualTo(404);
        JsonNode record = gateway.getJson("deletions/" + id);
        assertThat(record.path("confirmations").findValuesAsText("service"))
                .containsExactlyInAnyOrderElementsOf(DataDeletionRequested.SERVICES);
        assertThat(record.toString()).doesNotContain(student);
        await("the erasure in the audit log").atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(gateway
                .getJson("audit-log?filter[subjectId]=" + id).path("items").findValuesAsText("action"))
                .containsExactly("student.erased"));
    }

    @Test
    @Order(2)
    void anExamIsDeletedInEveryServiceOnlyOnceConfirmed() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = SagaEndToEndIT.keywordExam(gateway, "deleted " + tag);
        gateway.uploadCsv(examId, "student_id,question_number,answer\nd1-" + tag + ",1,光合作用\nd2-" + tag + ",1,呼吸\n");
        String jobId = gradedJob(examId);
        String checkpoints = "checkpoints/" + jobId + "/llm";
        gateway.putJson(checkpoints + "/" + CheckpointIds.at(System.currentTimeMillis()),
                Map.of("state", Map.of("done", 2), "metadata", Map.of()), 201);

        JsonNode requested = gateway.postJson("deletions", Map.of("kind", "exam", "id", examId), 201);
        String id = requested.path("id").asText();
        assertThat(requested.path("state").asText()).isEqualTo("AWAITING_CONFIRMATION");
        assertThat(requested.path("summary").path("submissions").asInt()).isEqualTo(2);
        assertThat(gateway.getJson("exams/" + examId).path("id").asText()).isEqualTo(examId);
        assertThat(gateway.job(jobId).total()).isEqualTo(2);

        JsonNode confirmed = gateway.postJson("deletions/" + id + "/confirm", Map.of(), 202);
        assertThat(confirmed.path("state").asText()).isEqualTo("IN_PROGRESS");
        await("every service confirmed").atMost(CONFIRMATIONS).pollInterval(Duration.ofMillis(300))
                .until(() -> "COMPLETED".equals(gateway.getJson("deletions/" + id).path("state").asText()));
        assertThat(gateway.call("GET", "exams/" + examId, null).statusCode()).isEqualTo(404);
        // the job's live read model (cache-service) went too: the gateway finds the job nowhere
        assertThat(gateway.call("GET", "grading-jobs/" + jobId, null).statusCode()).isEqualTo(404);
        assertThat(gateway.call("GET", checkpoints + "/latest", null).statusCode()).isEqualTo(404);
        JsonNode cacheConfirmation = confirmationOf(id, "cache-service");
        assertThat(cacheConfirmation.path("removed").path("jobStates").asInt()).isEqualTo(1);
        assertThat(confirmationOf(id, "checkpoint-service").path("removed").path("checkpoints").asInt())
                .isEqualTo(1);
    }

    private static String gradedJob(String examId) {
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await("job " + jobId + " done").atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        return jobId;
    }

    private static String submissionOf(String jobId, String student) {
        for (JsonNode item : gateway.getJson("grading-jobs/" + jobId + "/results").path("items")) {
            if (student.equals(item.path("studentId").asText())) {
                return item.path("submissionId").asText();
            }
        }
        throw new AssertionError("no result of " + student + " in job " + jobId);
    }

    private static List<String> pending(String deletionId) {
        List<String> pending = new ArrayList<>();
        gateway.getJson("deletions/" + deletionId).path("pendingServices").forEach(s -> pending.add(s.asText()));
        return pending;
    }

    private static JsonNode confirmationOf(String deletionId, String service) {
        for (JsonNode confirmation : gateway.getJson("deletions/" + deletionId).path("confirmations")) {
            if (service.equals(confirmation.path("service").asText())) {
                return confirmation;
            }
        }
        throw new AssertionError(service + " did not confirm deletion " + deletionId);
    }

    /** The trace as tracing-service answers it, or "" before it arrived. */
    private static String traceText(String trace) {
        HttpResponse<String> response = gateway.call("GET", "traces/" + trace, null);
        return response.statusCode() == 200 ? response.body() : "";
    }
}
