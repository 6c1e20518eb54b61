package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.GatewayException;
import io.zhiyue.e2e.driver.LiveChannelClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The score-override saga across real processes (saga-service coordinating grading-service and cache-service
 * through Redis Streams), driven through the gateway: an override reaches grading-service, the result cache and a
 * WebSocket client on the student's and the exam's channels; with cache-service frozen (SIGSTOP) until its step
 * times out, the saga ends COMPENSATED once it runs again, with the old score everywhere; a coordinator SIGKILLed
 * with a step in flight leaves the saga to the one started after it, which finds it in the log; a review mark on a
 * completed job is the saga's first step, and the student hears of it.
 */
class SagaEndToEndIT {

    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() {
        suite = SuiteProcesses.start("e2e-saga", Devstack.shared(), 1, Map.of());
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    /** A completed job of one answer per student to a keyword question (max 4, the keyword worth 2). */
    private record Graded(String examId, String jobId, Map<String, JsonNode> byStudent) {
    }

    @Test
    void anOverrideChangesTheScoreEverywhereAndTellsTheStudent() {
        Graded graded = graded();
        JsonNode result = graded.byStudent().get("first");
        String student = result.path("studentId").asText();
        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.subscribe("user:" + student);
            live.subscribe("exam:" + graded.examId());
            JsonNode accepted = gateway.postJson("submissions/" + result.path("submissionId").asText() + "/override",
                    Map.of("jobId", graded.jobId(), "score", 3.5, "reason", "a valid second method"), 202);
            String sagaId = accepted.path("sagaId").asText();
            assertThat(accepted.path("identicalAnswers")).hasSize(1);

            JsonNode saga = ended(sagaId, "COMPLETED");
            assertThat(saga.path("steps").findValuesAsText("name"))
                    .containsExactly("override-score", "invalidate-cache", "notify");
            assertThat(score(graded, student)).isEqualByComparingTo("3.5");
            await("the student's notification").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(live.messages("USER_NOTIFICATION")).anySatisfy(message -> {
                        assertThat(message.channel()).isEqualTo("user:" + student);
                        assertThat(message.data().path("score").decimalValue()).isEqualByComparingTo("3.5");
                        assertThat(message.data().path("previousScore").decimalValue()).isEqualByComparingTo("2");
                    }));
            await("the exam's score change").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(live.messages("SCORE_CHANGED")).anySatisfy(message ->
                            assertThat(message.channel()).isEqualTo("exam:" + graded.examId())));
        }
        // the audit log (grading-service's, read by an admin through the gateway) has it, by whom, before and after
        String submission = result.path("submissionId").asText();
        await("the override in the audit log").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode entry = gateway.getJson("audit-log?filter[subjectId]=" + submission).path("items").path(0);
            assertThat(entry.path("action").asText()).isEqualTo("score.overridden");
            assertThat(entry.path("service").asText()).isEqualTo("grading-service");
            assertThat(entry.path("actor").asText()).isNotEqualTo("system").isNotBlank();
            assertThat(entry.path("before").path("score").decimalValue()).isEqualByComparingTo("2");
            assertThat(entry.path("after").path("score").decimalValue()).isEqualByComparingTo("3.5");
        });
        GatewayClient teacher = gateway.as("e2e-teacher-only", "teacher");
        assertThatThrownBy(() -> teacher.getJson("audit-log")).as("the audit log is for admins")
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void aFrozenCacheServiceEndsTheOverrideCompensatedWithTheOldScoreEverywhere() {
        Frozen frozen = overrideWithCacheFrozen("other", 4, id -> await("the cache step timed out")
                .atMost(Duration.ofSeconds(30)).until(() -> gateway.getJson("sagas/" + id).path("steps")
                        .findValuesAsText("outcome").contains("TIMED_OUT")));
        JsonNode saga = ended(frozen.sagaId(), "COMPENSATED");
        assertThat(saga.path("error").asText()).contains("invalidate-cache");
        // the score is the old one, and the history says the override was undone
        assertThat(score(frozen.graded(), frozen.student())).isEqualByComparingTo(frozen.before());
        assertThat(saga.path("steps").findValuesAsText("kind")).contains("CLEANUP", "COMPENSATE");
    }

    @Test
    void aCoordinatorKilledMidSagaLeavesItToTheNextOneFromTheLog() {
        Frozen frozen = overrideWithCacheFrozen("copy", 1, id -> {
            // the cache step is in flight (its participant frozen) when the coordinator dies
            await("the cache step sent").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode saga = gateway.getJson("sagas/" + id);
                return "invalidate-cache".equals(saga.path("stepName").asText()) && saga.path("awaiting").asBoolean();
            });
            suite.restartSaga("restarted");
            // the new coordinator found the saga in the log and timed the step out
            await("the cache step timed out").atMost(Duration.ofSeconds(60)).until(() -> gateway
                    .getJson("sagas/" + id).path("steps").findValuesAsText("outcome").contains("TIMED_OUT"));
        });
        JsonNode saga = ended(frozen.sagaId(), "COMPENSATED");
        assertThat(score(frozen.graded(), frozen.student())).isEqualByComparingTo(frozen.before());
        // every command went out once: nothing of the dead coordinator's work was done twice
        assertThat(saga.path("steps").findValuesAsText("name"))
                .containsExactly("override-score", "invalidate-cache", "invalidate-cache", "override-score");
        assertThat(saga.path("steps").findValuesAsText("kind")).containsExactly("FORWARD", "FORWARD", "CLEANUP",
                "COMPENSATE");
    }

    @Test
    void aReviewMarkOnACompletedJobGoesThroughTheSagaToTheStudent() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = gateway.createExam("review mark " + tag, "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "说明植物为什么需要阳光。",
                "maxScore", 4, "scoreStep", 0.5, "marking", Map.of("mode", "ai")), 201);
        String student = "marked-" + tag;
        gateway.uploadCsv(examId, "student_id,question_number,answer\n" + student + ",1,阳光让植物进行光合作用\n");
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await().atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        JsonNode item = gateway.getJson("exams/" + examId + "/review-items").path("items").get(0);
        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.subscribe("user:" + student);
            JsonNode marked = gateway.as("t1", "teacher").postJson("review-items/" + item.path("id").asText() + "/marks",
                    Map.of("score", 3, "markerId", "t1"), 200);
            assertThat(marked.path("state").asText()).isEqualTo("RESOLVED");
            JsonNode saga = ended(marked.path("sagaId").asText(), "COMPLETED");
            // its first step was the mark itself; the cache and the student followed
            assertThat(saga.path("steps").findValuesAsText("name"))
                    .containsExactly("override-score", "invalidate-cache", "notify");
            assertThat(gateway.getJson("grading-jobs/" + jobId + "/results").path("items").get(0).path("score")
                    .decimalValue()).isEqualByComparingTo("3");
            await("the student's notification").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(live.messages("USER_NOTIFICATION")).anySatisfy(message ->
                            assertThat(message.data().path("score").decimalValue()).isEqualByComparingTo("3")));
        }
    }

    /** An override made with cache-service frozen: its job, the student, the score before it, its saga. */
    private record Frozen(Graded graded, String student, BigDecimal before, String sagaId) {
    }

    /**
     * Overrides the answer of a fresh job's student {@code who} with cache-service frozen (SIGSTOP) while
     * {@code frozen} runs with the saga's id.
     */
    private static Frozen overrideWithCacheFrozen(String who, int score, java.util.function.Consumer<String> frozen) {
        Graded graded = graded();
        JsonNode result = graded.byStudent().get(who);
        String student = result.path("studentId").asText();
        BigDecimal before = score(graded, student);
        long cache = suite.cacheProcess().pid();
        OsProcesses.signal("STOP", cache);
        try {
            String sagaId = gateway.postJson("submissions/" + result.path("submissionId").asText() + "/override",
                    Map.of("jobId", graded.jobId(), "score", score, "reason", "re-marked"), 202).path("sagaId")
                    .asText();
            frozen.accept(sagaId);
            return new Frozen(graded, student, before, sagaId);
        } finally {
            OsProcesses.signal("CONT", cache);
        }
    }

    /** An exam of one keyword question (max 4, step 0.5, the keyword 光合作用 worth 2); its id. */
    static String keywordExam(GatewayClient gateway, String title) {
        String examId = gateway.createExam(title, "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "植物的能量从哪里来？",
                "maxScore", 4, "scoreStep", 0.5, "rubric", Map.of("points", List.of(Map.of("id", "kw",
                        "description", "names photosynthesis", "points", 2,
                        "match", Map.of("anyOf", List.of("光合作用")))))), 201);
        return examId;
    }

    private static JsonNode ended(String sagaId, String state) {
        await("saga " + sagaId + " " + state).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String now = stateOf(sagaId);
                    assertThat(now).as("saga " + sagaId).isNotEqualTo("PARKED");
                    return state.equals(now);
                });
        return gateway.getJson("sagas/" + sagaId);
    }

    /**
     * A review mark's saga starts through grading-service's outbox, so saga-service knows it moments after the
     * mark answered with its id: until then the saga is 404, not yet started.
     */
    private static String stateOf(String sagaId) {
        try {
            return gateway.getJson("sagas/" + sagaId).path("state").asText();
        } catch (GatewayException e) {
            if (e.status() == 404) {
                return "NOT_YET_STARTED";
            }
            throw e;
        }
    }

    private static BigDecimal score(Graded graded, String student) {
        return gateway.getJson("grading-jobs/" + graded.jobId() + "/results?filter[studentId]=" + student)
                .path("items").get(0).path("score").decimalValue();
    }

    private static Graded graded() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = keywordExam(gateway, "override " + tag);
        gateway.uploadCsv(examId, "student_id,question_number,answer\nfirst-" + tag + ",1,植物通过光合作用获得能量\n"
                + "copy-" + tag + ",1,植物通过光合作用获得能量\nother-" + tag + ",1,植物通过光合作用获得能量。\n");
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await().atMost(Duration.ofMinutes(2)).until(() -> gateway.job(jobId).isFinal());
        Map<String, JsonNode> byStudent = new java.util.HashMap<>();
        gateway.getJson("grading-jobs/" + jobId + "/results?page_size=10").path("items")
                .forEach(item -> byStudent.put(item.path("studentId").asText().split("-")[0], item));
        return new Graded(examId, jobId, byStudent);
    }
}
