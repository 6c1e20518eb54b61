package io.zhiyue.grading.llm;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Content;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Drop;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Stall;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Status;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Tokens;
import io.zhiyue.grading.grader.RuleBasedGrader;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.as;
import static io.zhiyue.grading.GradingTestData.awaitState;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * The LLM grader against the scripted OpenAI-compatible server (a test double, never a model): the
 * reply is checked (evidence must be in the answer, the score on the scale), a malformed reply is
 * asked again once and then left to people, an unavailable provider is retried after its
 * Retry-After, a spent budget sends the rest to people, the prompt never names the student, every
 * call is kept for audit, and the explanation streams token by token.
 */
@QuarkusTest
@TestProfile(ScriptedLlmProfile.class)
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class LlmGradingTest {

    private static final ScriptedOpenAiServer LLM = ScriptedLlmProfile.SERVER;
    private static final String LLM_AND_RULE = LlmVerdict.ID + "+" + RuleBasedGrader.ID;

    @Inject
    Pool pool;

    @Inject
    LlmAuditRetention retention;

    @Inject
    LlmCheckpoints checkpoints;

    @BeforeEach
    void freshScript() {
        LLM.reset();
        ScriptedLlmProfile.CHECKPOINTS.reset();
        // every test here counts its LLM calls: nothing reused from another test's identical answers
        ScriptedLlmProfile.RESULTS.reset();
    }

    @Test
    void aBatchDeliveredAgainReusesTheRepliesItsCheckpointHolds() {
        String tag = tag();
        TwoAnswers job = twoAnswersJob("h", tag);
        String first = job.first();
        String jobId = job.jobId();
        // an earlier delivery of batch 0 got this reply for the first answer and checkpointed it
        String checkpointId = UUID.randomUUID().toString();
        ScriptedLlmProfile.CHECKPOINTS.seed(jobId, "llm.b0", checkpointId, job.firstReplied());
        LLM.otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");

        // the first answer was not asked about again; the second was, once
        assertThat(LLM.requests()).hasSize(1);
        assertThat(LLM.requests().getFirst().body()).contains("光合作用 second").doesNotContain("光合作用 first");
        result(jobId, "h1-" + tag).body("graderId", equalTo(LLM_AND_RULE)).body("proposedScore", decimal("2"));
        // and the batch's checkpoint now holds both replies, put before the outcomes were committed
        assertThat(ScriptedLlmProfile.CHECKPOINTS.latest(jobId, "llm.b0")).contains(first).contains("\"ok\"");
        assertThat(ScriptedLlmProfile.CHECKPOINTS.puts()).isEqualTo(1);
        // and the job says what was decided, and why (recorded in its own transaction beside the grading: awaited)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                job(jobId).body("recovery.decision", equalTo("RESUMED")));
        job(jobId).body("recovery.decision", equalTo("RESUMED")).body("recovery.batchNo", equalTo(0))
                .body("recovery.checkpointId", equalTo(checkpointId)).body("recovery.reused", equalTo(1));
        // one event says it (later ones carry the job, whose recovery field still shows it: not counted)
        assertThat(count("SELECT count(*) FROM outbox WHERE type = 'JOB_STATE_CHANGED' "
                + "AND payload::jsonb #>> '{recovery,decision}' = 'RESUMED' AND payload::jsonb ->> 'jobId' = '" + jobId
                + "'")).isEqualTo(1);
    }

    @Test
    void aCorruptLatestCheckpointIsPassedOverForTheNewestValidOneBeforeIt() {
        TwoAnswers job = twoAnswersJob("c", tag());
        String jobId = job.jobId();
        // an earlier delivery checkpointed the first answer's reply, then a checkpoint that no longer reads back
        String valid = UUID.randomUUID().toString();
        String broken = UUID.randomUUID().toString();
        String replies = job.firstReplied();
        ScriptedLlmProfile.CHECKPOINTS.seed(jobId, "llm.b0", valid, replies);
        ScriptedLlmProfile.CHECKPOINTS.seed(jobId, "llm.b0", broken, replies);
        ScriptedLlmProfile.CHECKPOINTS.corrupt(broken);
        LLM.otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");

        assertThat(LLM.requests()).hasSize(1);
        assertThat(LLM.requests().getFirst().body()).contains("光合作用 second").doesNotContain("光合作用 first");
        job(jobId).body("recovery.decision", equalTo("RESUMED")).body("recovery.checkpointId", equalTo(valid))
                .body("recovery.reused", equalTo(1))
                .body("recovery.reason", containsString("latest checkpoint " + broken + " is corrupt"));
    }

    @Test
    void aCheckpointServiceThatKeepsFailingIsLeftAloneForAWhile() {
        UUID jobId = UUID.randomUUID();
        CircuitBreakerMaintenance.get().resetAll();
        ScriptedLlmProfile.CHECKPOINTS.down(true);
        try {
            for (int call = 0; call < 8; call++) {
                LlmCheckpoints.Restored restored = checkpoints.restore(TenantHeaders.DEFAULT_TENANT, jobId, 0)
                        .await().atMost(Duration.ofSeconds(10));
                assertThat(restored.found()).isFalse();
                assertThat(restored.why()).isEqualTo("checkpoint-service is unreachable");
            }
            // four failed calls opened the breaker: the other four never reached the service
            assertThat(ScriptedLlmProfile.CHECKPOINTS.requests()).isEqualTo(4);
            given().when().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'checkpoint-service' }.data.degraded", equalTo(true));
        } finally {
            ScriptedLlmProfile.CHECKPOINTS.down(false);
            CircuitBreakerMaintenance.get().resetAll();
        }
    }

    /** A job (created, not started) over two ai-mode answers: "光合作用 first" by {@code <prefix>1-<tag>} and a second. */
    private record TwoAnswers(String jobId, String first) {

        /** Batch 0's checkpointed replies when an earlier delivery got a usable reply for the first answer. */
        String firstReplied() {
            return "{\"batch\":0,\"replies\":{\"" + first + "\":{\"reply\":"
                    + io.zhiyue.shared.json.JsonCodec.write(verdict(2, 0.7, "kw", "光合作用", null, null))
                    + ",\"outcome\":\"ok\"}}}";
        }
    }

    private TwoAnswers twoAnswersJob(String prefix, String tag) {
        String examId = aiExamWithTwoPoints(tag);
        uploadCsv(examId, "student_id,question_number,answer\n" + prefix + "1-" + tag + ",1,光合作用 first\n" + prefix
                + "2-" + tag + ",1,光合作用 second\n").statusCode(200);
        String first = given().queryParam("filter[studentId]", prefix + "1-" + tag).when()
                .get("/api/v1/exams/" + examId + "/submissions").then().statusCode(200)
                .extract().path("items[0].id");
        String jobId = given().when().post("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(201)
                .extract().path("id");
        return new TwoAnswers(jobId, first);
    }

    @Test
    void aBatchDeliveredWithoutACheckpointIsNotARecovery() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        uploadCsv(examId, "student_id,question_number,answer\ni-" + tag + ",1,光合作用 only\n").statusCode(200);
        String jobId = gradeToCompletion(examId);
        job(jobId).body("recovery", nullValue());
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void aCheckedProposalQuotesTheAnswerAndThePromptNeverNamesTheStudent() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        // the double awards both points; only the first quote is in the answer
        LLM.otherwise(request -> new Content(verdict(4, 0.9, "kw", studentAnswer(request).substring(0, 4), "pi",
                "3.14159")));
        uploadCsv(examId, "student_id,question_number,answer\nstudent-" + tag + ",1,光合作用 makes sugar\n")
                .statusCode(200);
        String jobId = gradeToCompletion(examId);

        // the LLM's pi quote is not in the answer: only kw stands, 2 of its 4, as the rule-based grader says
        result(jobId, "student-" + tag).body("graderId", equalTo(LLM_AND_RULE)).body("proposedScore", decimal("2"))
                .body("points.find { it.id == 'kw' }.awarded", equalTo(true))
                .body("points.find { it.id == 'kw' }.evidence", equalTo("光合作用"))
                .body("points.find { it.id == 'pi' }.awarded", equalTo(false));
        assertThat(LLM.requests()).hasSize(1);
        String prompt = LLM.requests().getFirst().body();
        assertThat(prompt).contains("光合作用 makes sugar").contains("names the process").doesNotContain(tag);
        job(jobId).body("llm.tokensIn", greaterThan(0)).body("llm.tokensOut", greaterThan(0));

        List<Row> audit = audit(jobId);
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst().getString("purpose")).isEqualTo("grade");
        assertThat(audit.getFirst().getString("outcome")).isEqualTo("ok");
        assertThat(audit.getFirst().getString("prompt")).contains("光合作用 makes sugar").doesNotContain(tag);
        assertThat(audit.getFirst().getString("response")).contains("\"score\":4");
    }

    @Test
    void aMalformedReplyIsAskedAgainOnceThenTheAnswerGoesToPeople() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.then(new Content("The answer looks mostly right to me, I would give it 3 points."),
                new Content(verdict(1.3, 0.9, "kw", "光合作用", null, null)));
        uploadCsv(examId, "student_id,question_number,answer\na-" + tag + ",1,光合作用 only\n").statusCode(200);
        String jobId = gradeToCompletion(examId);

        // only the rule-based grader's proposal is left, and people decide
        result(jobId, "a-" + tag).body("reviewStatus", equalTo("NEEDS_REVIEW")).body("graderId", equalTo(RuleBasedGrader.ID));
        assertThat(LLM.requests()).hasSize(2);
        assertThat(LLM.requests().get(1).body()).contains("could not be used").contains("not a JSON object");
        assertThat(audit(jobId)).extracting(row -> row.getString("outcome"))
                .containsExactlyInAnyOrder("malformed: it was not a JSON object", "malformed: \"score\" 1.3 is not a multiple of 0.5");
        job(jobId).body("failed", equalTo(0)).body("pendingReview", equalTo(1));
    }

    @Test
    void anUnavailableProviderIsRetriedAfterItsRetryAfter() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.then(new Status(429, "2"), new Status(503, null), new Drop())
                .otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        uploadCsv(examId, "student_id,question_number,answer\nb-" + tag + ",1,光合作用 only\n").statusCode(200);
        String jobId = gradeToCompletion(examId);

        result(jobId, "b-" + tag).body("graderId", equalTo(LLM_AND_RULE)).body("proposedScore", decimal("2"));
        List<ScriptedOpenAiServer.Request> requests = LLM.requests();
        assertThat(requests).hasSize(4);
        // the first retry waited the two seconds the 429 asked for (exponential backoff starts at 0.5 s)
        assertThat(requests.get(1).receivedAtNanos() - requests.get(0).receivedAtNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900).toNanos());
        assertThat(audit(jobId)).extracting(row -> row.getString("outcome")).containsExactly("ok");
    }

    @Test
    void aStalledProviderTimesOutAndIsAskedAgain() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.then(new Stall(Duration.ofSeconds(3)))
                .otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        uploadCsv(examId, "student_id,question_number,answer\nf-" + tag + ",1,光合作用 only\n").statusCode(200);
        String jobId = gradeToCompletion(examId);

        result(jobId, "f-" + tag).body("graderId", equalTo(LLM_AND_RULE));
        assertThat(LLM.requests()).hasSize(2);
    }

    @Test
    void aProviderThatStaysUnavailableLeavesTheAnswerToPeople() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.otherwise(request -> new Status(500, null));
        uploadCsv(examId, "student_id,question_number,answer\ng-" + tag + ",1,光合作用 only\n").statusCode(200);
        String jobId = gradeToCompletion(examId);

        result(jobId, "g-" + tag).body("graderId", equalTo(RuleBasedGrader.ID)).body("reviewStatus", equalTo("NEEDS_REVIEW"));
        // the first call and three retries
        assertThat(LLM.requests()).hasSize(4);
        job(jobId).body("failed", equalTo(0));
        assertThat(audit(jobId)).extracting(row -> row.getString("outcome")).singleElement().asString()
                .startsWith("failed: ");
    }

    @Test
    void aSpentBudgetSendsTheRestToPeople() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < 30; i++) {
            csv.append("c").append(i).append('-').append(tag).append(",1,光合作用 answer ").append(i).append('\n');
        }
        uploadCsv(examId, csv.toString()).statusCode(200);
        String jobId = given().contentType(ContentType.JSON).body(Map.of("llmTokenBudget", 1))
                .when().post("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(201)
                .body("llm.tokenBudget", equalTo(1)).extract().path("id");
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");

        // the calls under way when the budget ran out finish; none starts after it
        int calls = LLM.requests().size();
        assertThat(calls).isLessThanOrEqualTo(8);
        job(jobId).body("failed", equalTo(0)).body("pendingReview", greaterThanOrEqualTo(30 - calls))
                .body("llm.tokensIn", greaterThan(0));
        given().queryParam("filter[reviewStatus]", "NEEDS_REVIEW").queryParam("page_size", 200)
                .when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("items.findAll { !it.graderId.contains('llm') }.size()", greaterThan(20));
    }

    @Test
    void badJobSettingsAreRefused() {
        String examId = aiExamWithTwoPoints(tag());
        given().contentType(ContentType.JSON).body(Map.of("llmTokenBudget", -1))
                .when().post("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(400)
                .body("errors[0].field", equalTo("llmTokenBudget"));
    }

    @Test
    void aTenantThatDidNotOptInNeverReachesTheExternalProvider() {
        String tag = tag();
        String tenant = ScriptedLlmProfile.NOT_OPTED_IN;
        String examId = as(tenant).contentType(ContentType.JSON).body(Map.of("title", "no llm " + tag,
                "subject", "science")).when().post("/api/v1/exams").then().statusCode(201).extract().path("id");
        postQuestion(tenant, examId, aiQuestion()).statusCode(201);
        uploadCsv(tenant, examId, "student_id,question_number,answer\nd-" + tag + ",1,光合作用\n").statusCode(200);
        String jobId = as(tenant).when().post("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(201)
                .extract().path("id");
        as(tenant).when().post("/api/v1/grading-jobs/" + jobId + "/start").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(tenant).when()
                .get("/api/v1/grading-jobs/" + jobId).then().body("state", equalTo("COMPLETED")));
        assertThat(LLM.requests()).isEmpty();
        String submission = as(tenant).when().get("/api/v1/grading-jobs/" + jobId + "/results").then()
                .extract().path("items[0].submissionId");
        as(tenant).when().get("/api/v1/submissions/" + submission + "/explanation").then().statusCode(403)
                .contentType(containsString("problem+json"));
    }

    @Test
    void theExplanationStreamsTokenByTokenAndIsAudited() {
        String tag = tag();
        String examId = aiExamWithTwoPoints(tag);
        LLM.otherwise(request -> new Content(verdict(2, 0.7, "kw", "光合作用", null, null)));
        uploadCsv(examId, "student_id,question_number,answer\ne-" + tag + ",1,光合作用 only\n").statusCode(200);
        String jobId = gradeToCompletion(examId);
        String submission = result(jobId, "e-" + tag).extract().path("items[0].submissionId");

        LLM.otherwise(request -> new Tokens(List.of("It", " names", " the", " process", "."), Duration.ofMillis(20)));
        String body = given().accept("text/event-stream").when().get("/api/v1/submissions/" + submission
                + "/explanation").then().statusCode(200).contentType(containsString("text/event-stream"))
                .extract().asString();
        List<String> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                events.add(line.substring(5).trim());
            }
        }
        assertThat(body).contains("event: token\n");
        assertThat(events).containsExactly("{\"type\":\"token\",\"text\":\"It\"}",
                "{\"type\":\"token\",\"text\":\" names\"}", "{\"type\":\"token\",\"text\":\" the\"}",
                "{\"type\":\"token\",\"text\":\" process\"}", "{\"type\":\"token\",\"text\":\".\"}",
                events.getLast());
        assertThat(events.getLast()).startsWith("{\"type\":\"done\"").contains("\"tokensOut\":5");
        assertThat(LLM.requests().getLast().stream()).isTrue();
        assertThat(LLM.requests().getLast().body()).doesNotContain(tag);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                audit(jobId)).extracting(row -> row.getString("purpose") + ":" + row.getString("response"))
                .contains("explain:It names the process."));

        given().when().get("/api/v1/submissions/" + UUID.randomUUID() + "/explanation").then().statusCode(404)
                .contentType(containsString("problem+json"));
    }

    @Test
    void auditRecordsPastTheRetentionPeriodAreDeletedByTheInstanceHoldingTheRetentionLease() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        for (Object[] row : new Object[][] {{old, 181}, {recent, 179}}) {
            pool.preparedQuery("INSERT INTO llm_audit (id, tenant_id, purpose, provider, model, prompt, outcome, created_at) "
                    + "VALUES ($1, 'retention-test', 'grade', 'scripted', 'scripted', '[]', 'ok', "
                    + "now() - make_interval(days => $2))").execute(Tuple.of(row[0], row[1])).await().indefinitely();
        }
        // the scheduled sweep runs under the service's retention lease (RetentionSweepsTest: only its holder sweeps)
        assertThat(retention.sweepUnderLease().await().indefinitely()).as("this instance holds the lease").isTrue();
        assertThat(auditIds()).contains(recent).doesNotContain(old);
    }

    private List<UUID> auditIds() {
        List<UUID> ids = new ArrayList<>();
        pool.preparedQuery("SELECT id FROM llm_audit WHERE tenant_id = 'retention-test'").execute()
                .await().indefinitely().forEach(row -> ids.add(row.getUUID("id")));
        return ids;
    }

    private static String aiExamWithTwoPoints(String tag) {
        String examId = createExam("llm " + tag);
        postQuestion(null, examId, aiQuestion()).statusCode(201);
        return examId;
    }

    /** Max 4, step 0.5: kw (2) names the process, pi (2) gives pi; the rule-based grader checks both too. */
    private static Map<String, Object> aiQuestion() {
        Map<String, Object> body = new HashMap<>(question(1, 4, Map.of("points", List.of(
                Map.of("id", "kw", "description", "names the process", "points", 2,
                        "match", Map.of("anyOf", List.of("光合作用"))),
                Map.of("id", "pi", "description", "gives pi", "points", 2,
                        "match", Map.of("numeric", Map.of("value", 3.14, "tolerance", 0.01)))))));
        body.put("marking", Map.of("mode", "ai"));
        return body;
    }

    /** A verdict as the LLM is asked to write it; without a second point, pi is decided not awarded. */
    static String verdict(double score, double confidence, String firstId, String firstEvidence, String secondId,
            String secondEvidence) {
        StringBuilder points = new StringBuilder("[");
        points.append("{\"id\":\"").append(firstId).append("\",\"awarded\":true,\"evidence\":\"").append(firstEvidence)
                .append("\"}");
        if (secondId != null) {
            points.append(",{\"id\":\"").append(secondId).append("\",\"awarded\":true,\"evidence\":\"")
                    .append(secondEvidence).append("\"}");
        } else {
            points.append(",{\"id\":\"pi\",\"awarded\":false,\"evidence\":\"\"}");
        }
        points.append(']');
        return "{\"points\":" + points + ",\"score\":" + score + ",\"confidence\":" + confidence
                + ",\"reason\":\"scripted\"}";
    }

    /** The student's answer as the grading prompt quotes it. */
    static String studentAnswer(ScriptedOpenAiServer.Request request) {
        String user = request.lastUserMessage();
        int from = user.indexOf("The student's answer:\n<<<") + "The student's answer:\n<<<".length();
        return user.substring(from, user.lastIndexOf(">>>"));
    }

    private List<Row> audit(String jobId) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery("SELECT purpose, outcome, prompt::text AS prompt, response FROM llm_audit "
                        + "WHERE job_id = $1 ORDER BY created_at, outcome")
                .execute(Tuple.of(UUID.fromString(jobId))).await().indefinitely().forEach(rows::add);
        return rows;
    }

    private static ValidatableResponse result(String jobId, String student) {
        return given().queryParam("filter[studentId]", student).when()
                .get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("items.size()", equalTo(1)).rootPath("items[0]");
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
