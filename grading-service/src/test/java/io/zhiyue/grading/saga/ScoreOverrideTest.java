package io.zhiyue.grading.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.llm.ScriptedLlmProfile;
import io.zhiyue.grading.service.ReviewService;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.shared.saga.SagaCommand.Kind;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.saga.SagaParticipant;
import io.zhiyue.streams.saga.SagaStep;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * A score override after the job completed: refused with a clear 4xx before any saga when it cannot apply; else
 * started as saga-service's score-override saga (a test double records the start) with the job's identical
 * answers; and grading-service's saga steps, run through the shared participant piece: the new final score with its
 * history, restored by the compensation, and the notification through the outbox. A review mark that changes a
 * completed job's score is the saga's first step (started through the outbox); its compensation takes the mark back.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ScoreOverrideTest {

    @Inject
    Pool pool;
    @Inject
    SagaParticipant participant;
    @Inject
    ReviewService reviews;
    @Inject
    io.zhiyue.streams.outbox.AuditTrail audit;

    /** A graded job of three answers to a keyword question (max 4, kw worth 2): two identical, one not. */
    private record Graded(String examId, String jobId, Map<String, String> submissions) {
    }

    @Test
    void anOverrideThatCannotApplyIsRefusedBeforeAnySaga() {
        Graded graded = graded();
        String submission = graded.submissions().get("a1");
        int before = ScriptedLlmProfile.SAGAS.starts().size();
        String path = "/api/v1/submissions/" + submission + "/override";
        given().contentType(ContentType.JSON).body("{").when().post(path).then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("score", 3, "reason", "r")).when().post(path).then()
                .statusCode(400).body("errors.field", org.hamcrest.Matchers.hasItem("jobId"));
        given().contentType(ContentType.JSON).body(Map.of("jobId", graded.jobId(), "score", 3)).when().post(path)
                .then().statusCode(400).body("errors.field", org.hamcrest.Matchers.hasItem("reason"));
        given().contentType(ContentType.JSON).body(Map.of("jobId", graded.jobId(), "score", "three", "reason", "r"))
                .when().post(path).then().statusCode(400);
        // off the scale: above the maximum, not a multiple of the step
        given().contentType(ContentType.JSON).body(Map.of("jobId", graded.jobId(), "score", 5, "reason", "r"))
                .when().post(path).then().statusCode(400).contentType(startsWith("application/problem+json"));
        given().contentType(ContentType.JSON).body(Map.of("jobId", graded.jobId(), "score", 1.3, "reason", "r"))
                .when().post(path).then().statusCode(400);
        // unknown submission, another job, another tenant
        given().contentType(ContentType.JSON).body(Map.of("jobId", graded.jobId(), "score", 3, "reason", "r"))
                .when().post("/api/v1/submissions/" + UUID.randomUUID() + "/override").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("jobId", UUID.randomUUID().toString(), "score", 3,
                "reason", "r")).when().post(path).then().statusCode(404);
        given().header(TenantHeaders.TENANT, "another-school").contentType(ContentType.JSON)
                .body(Map.of("jobId", graded.jobId(), "score", 3, "reason", "r")).when().post(path).then()
                .statusCode(404);
        assertThat(ScriptedLlmProfile.SAGAS.starts()).hasSize(before);
    }

    @Test
    void anOverrideStartsTheSagaOnceAndNamesTheJobsIdenticalAnswers() {
        Graded graded = graded();
        String submission = graded.submissions().get("a1");
        Map<String, Object> body = Map.of("jobId", graded.jobId(), "score", 3.5, "reason", "a valid second method");
        String sagaId = given().header(TenantHeaders.SUBJECT, "teacher-wang").contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/submissions/" + submission + "/override").then().statusCode(202)
                .body("identicalAnswers", equalTo(List.of(graded.submissions().get("a2"))))
                .extract().path("sagaId");
        // the same override again is the same saga (its request key is its content)
        given().contentType(ContentType.JSON).body(body).when().post("/api/v1/submissions/" + submission + "/override")
                .then().statusCode(202).body("sagaId", equalTo(sagaId))
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/sagas/" + sagaId));
        assertThat(sagaId).isNotNull();
        List<JsonNode> starts = ScriptedLlmProfile.SAGAS.starts();
        JsonNode start = starts.get(starts.size() - 2);
        assertThat(start.path("definition").asText()).isEqualTo("score-override");
        assertThat(start.path("requestKey")).isEqualTo(starts.getLast().path("requestKey"));
        JsonNode data = start.path("data");
        assertThat(data.path("jobId").asText()).isEqualTo(graded.jobId());
        assertThat(data.path("submissionId").asText()).isEqualTo(submission);
        assertThat(data.path("examId").asText()).isEqualTo(graded.examId());
        assertThat(data.path("studentId").asText()).startsWith("a1-");
        assertThat(data.path("score").decimalValue()).isEqualByComparingTo("3.5");
        assertThat(data.path("reason").asText()).isEqualTo("a valid second method");
        assertThat(data.path("by").asText()).isEqualTo("teacher-wang");
    }

    @Test
    void theOverrideStepWritesTheScoreWithItsHistoryAndItsCompensationRestoresIt() {
        Graded graded = graded();
        String submission = graded.submissions().get("a1");
        UUID saga = UUID.randomUUID();
        Map<String, SagaStep> steps = Map.of("override-score", new ScoreOverrideSteps.OverrideScore(reviews, audit),
                "notify", new ScoreOverrideSteps.Notify());
        JsonNode data = JsonCodec.mapper().createObjectNode().put("jobId", graded.jobId())
                .put("submissionId", submission).put("examId", graded.examId()).put("studentId", "a1")
                .put("questionNumber", 1).put("score", new BigDecimal("3.5")).put("reason", "second method")
                .put("by", "teacher-wang");
        run(steps, new SagaCommand(saga, "demo-school", "score-override", 1, 0, "override-score", Kind.FORWARD, 1, 1,
                data));
        assertThat(finalScore(graded.jobId(), submission)).isEqualByComparingTo("3.5");
        Row history = pool.preparedQuery("SELECT old_score, new_score, reason, overridden_by, undone_at "
                + "FROM score_overrides WHERE saga_id = $1").execute(Tuple.of(saga)).await()
                .atMost(Duration.ofSeconds(5)).iterator().next();
        assertThat(history.getBigDecimal("old_score")).isEqualByComparingTo("2");
        assertThat(history.getString("overridden_by")).isEqualTo("teacher-wang");
        assertThat(history.getValue("undone_at")).isNull();

        ((com.fasterxml.jackson.databind.node.ObjectNode) data).set("results", JsonCodec.mapper().createObjectNode()
                .set("override-score", JsonCodec.mapper().createObjectNode().put("previousScore", 2)));
        run(steps, new SagaCommand(saga, "demo-school", "score-override", 1, 2, "notify", Kind.FORWARD, 1, 2, data));
        assertThat(outboxTypes(saga)).containsExactly("SCORE_CHANGED", "USER_NOTIFICATION");

        run(steps, new SagaCommand(saga, "demo-school", "score-override", 1, 0, "override-score", Kind.COMPENSATE, 1,
                3, data));
        assertThat(finalScore(graded.jobId(), submission)).isEqualByComparingTo("2");
        assertThat(pool.preparedQuery("SELECT undone_at FROM score_overrides WHERE saga_id = $1").execute(Tuple.of(saga))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getValue("undone_at")).isNotNull();
        // the override and its undoing are in the audit log, by whom, with the scores before and after
        io.restassured.path.json.JsonPath audited = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> given().queryParam("filter[subjectId]", submission).queryParam("sort_order", "asc")
                        .when().get("/api/v1/audit-log").then().statusCode(200).extract().jsonPath(),
                        page -> page.getList("items").size() == 2);
        assertThat(audited.getList("items.action", String.class)).containsExactly("score.overridden", "score.override.undone");
        assertThat(audited.getString("items[0].actor")).isEqualTo("teacher-wang");
        assertThat(new BigDecimal(audited.getString("items[0].before.score"))).isEqualByComparingTo("2");
        assertThat(new BigDecimal(audited.getString("items[0].after.score"))).isEqualByComparingTo("3.5");
        assertThat(new BigDecimal(audited.getString("items[1].after.score"))).isEqualByComparingTo("2");
        given().queryParam("filter[studentId]", "a1-" + graded.examId().substring(0, 8)).when()
                .get("/api/v1/grading-jobs/" + graded.jobId() + "/results").then().statusCode(200)
                .body("items[0].reviewStatus", equalTo("AUTO_ACCEPTED"));
    }

    @Test
    void aCompensationNeverUndoesALaterOverride() {
        Graded graded = graded();
        String submission = graded.submissions().get("b1");
        UUID saga = UUID.randomUUID();
        Map<String, SagaStep> steps = Map.of("override-score", new ScoreOverrideSteps.OverrideScore(reviews, audit));
        JsonNode data = JsonCodec.mapper().createObjectNode().put("jobId", graded.jobId())
                .put("submissionId", submission).put("score", new BigDecimal("1")).put("reason", "first");
        run(steps, new SagaCommand(saga, "demo-school", "score-override", 1, 0, "override-score", Kind.FORWARD, 1, 1,
                data));
        // a later override set 3.5 meanwhile
        pool.preparedQuery("UPDATE results SET final_score = 3.5 WHERE job_id = $1 AND submission_id = $2")
                .execute(Tuple.of(UUID.fromString(graded.jobId()), UUID.fromString(submission))).await()
                .atMost(Duration.ofSeconds(5));
        run(steps, new SagaCommand(saga, "demo-school", "score-override", 1, 0, "override-score", Kind.COMPENSATE, 1,
                2, data));
        // refused (the saga parks for an operator): the later score stands, the history is not marked undone
        assertThat(finalScore(graded.jobId(), submission)).isEqualByComparingTo("3.5");
        assertThat(pool.preparedQuery("SELECT undone_at FROM score_overrides WHERE saga_id = $1").execute(Tuple.of(saga))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getValue("undone_at")).isNull();
        assertThat(pool.preparedQuery("SELECT payload FROM outbox WHERE key LIKE $1 ORDER BY id DESC LIMIT 1")
                .execute(Tuple.of(saga + ":0:c1:%")).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getString("payload")).contains("\"FAILED\"").contains("changed again");
    }

    @Test
    void aReviewMarkOnACompletedJobIsTheSagasFirstStepAndItsCompensationTakesTheMarkBack() {
        String examId = createExam("review mark " + UUID.randomUUID());
        addAiQuestionWithoutPoints(examId, 1, 4);
        uploadCsv(examId, "student_id,question_number,answer\nr-" + examId.substring(0, 8) + ",1,free text\n")
                .statusCode(200);
        String jobId = gradeToCompletion(examId);
        given().when().get("/api/v1/grading-jobs/" + jobId).then().statusCode(200).body("state", equalTo("COMPLETED"))
                .body("pendingReview", equalTo(1));
        Map<String, Object> item = given().when().get("/api/v1/exams/" + examId + "/review-items").then()
                .statusCode(200).extract().path("items[0]");
        String itemId = (String) item.get("id");
        String stateBefore = (String) item.get("state");

        // the mark is written at once (the marker goes on) and names the saga that takes it further
        String sagaId = given().contentType(ContentType.JSON)
                .body(Map.of("score", 3, "markerId", "t1", "reason", "clear working")).when()
                .post("/api/v1/review-items/" + itemId + "/marks").then().statusCode(200)
                .body("state", equalTo("RESOLVED")).body("sagaId", org.hamcrest.Matchers.notNullValue())
                .extract().path("sagaId");
        given().when().get("/api/v1/grading-jobs/" + jobId).then().body("graded", equalTo(1))
                .body("pendingReview", equalTo(0));
        // the saga starts through the outbox, its first step applied: the result as it was, for the cache step
        Row start = pool.preparedQuery("SELECT type, payload FROM outbox WHERE key = $1")
                .execute(Tuple.of("review-mark:" + sagaId)).await().atMost(Duration.ofSeconds(5)).iterator().next();
        assertThat(start.getString("type")).isEqualTo("SAGA_START");
        JsonNode applied = JsonCodec.read(start.getString("payload"), JsonNode.class);
        assertThat(applied.path("sagaId").asText()).isEqualTo(sagaId);
        assertThat(applied.path("definition").asText()).isEqualTo("review-mark");
        assertThat(applied.path("data").path("review").path("itemId").asText()).isEqualTo(itemId);
        assertThat(applied.path("data").path("score").decimalValue()).isEqualByComparingTo("3");
        assertThat(applied.path("result").path("previousScore").isNull()).isTrue();
        String submission = applied.path("data").path("submissionId").asText();
        assertThat(finalScore(jobId, submission)).isEqualByComparingTo("3");

        // the cache step failed: the compensation takes the mark back and the item returns to the queue
        Map<String, SagaStep> steps = Map.of("override-score", new ScoreOverrideSteps.OverrideScore(reviews, audit));
        run(steps, new SagaCommand(UUID.fromString(sagaId), "demo-school", "review-mark", 1, 0, "override-score",
                Kind.COMPENSATE, 1, 3, applied.path("data")));
        assertThat(finalScore(jobId, submission)).isNull();
        given().when().get("/api/v1/grading-jobs/" + jobId).then().body("graded", equalTo(0))
                .body("pendingReview", equalTo(1));
        given().when().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200)
                .body("items[0].state", equalTo(stateBefore)).body("items[0].finalScore", org.hamcrest.Matchers.nullValue());
        assertThat(pool.preparedQuery("SELECT count(*) FROM teacher_marks WHERE job_id = $1 AND source = 'REVIEW'")
                .execute(Tuple.of(UUID.fromString(jobId))).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getLong(0)).isZero();
        // the queue, the job's and the exam's watchers hear of it under keys of the withdrawal's own (the item's
        // state, the job's counts and the score it has now were all seen before: no consumer may take them for
        // duplicates)
        assertThat(outbox("review:" + itemId + ":" + stateBefore + ":withdrawn:" + sagaId).getString("type"))
                .isEqualTo("REVIEW_ITEM_CHANGED");
        JsonNode taken = JsonCodec.read(outbox("score:" + itemId + ":withdrawn:" + sagaId).getString("payload"),
                JsonNode.class);
        assertThat(taken.path("score").isNull()).isTrue();
        assertThat(taken.path("reviewStatus").asText()).isEqualTo("NEEDS_REVIEW");
        assertThat(pool.preparedQuery("SELECT count(*) FROM outbox WHERE type = 'GRADING_PROGRESS' AND key LIKE $1")
                .execute(Tuple.of("progress:" + jobId + ":COMPLETED:%:0:withdrawn:" + sagaId)).await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0)).isOne();
        // the mark stays on record as withdrawn
        Row withdrawn = pool.preparedQuery("SELECT marker_id, score FROM withdrawn_review_marks WHERE saga_id = $1")
                .execute(Tuple.of(UUID.fromString(sagaId))).await().atMost(Duration.ofSeconds(5)).iterator().next();
        assertThat(withdrawn.getString("marker_id")).isEqualTo("t1");
        assertThat(withdrawn.getBigDecimal("score")).isEqualByComparingTo("3");
        // the same marker marks it again: a new saga, its score change news again
        String again = given().contentType(ContentType.JSON).body(Map.of("score", 2.5, "markerId", "t1")).when()
                .post("/api/v1/review-items/" + itemId + "/marks").then().statusCode(200)
                .body("state", equalTo("RESOLVED")).body("sagaId", org.hamcrest.Matchers.not(equalTo(sagaId)))
                .extract().path("sagaId");
        assertThat(finalScore(jobId, submission)).isEqualByComparingTo("2.5");
        assertThat(pool.preparedQuery("SELECT count(DISTINCT key) FROM outbox WHERE type = 'SCORE_CHANGED' AND key LIKE $1")
                .execute(Tuple.of("score:" + itemId + ":%")).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getLong(0)).isEqualTo(3);
        assertThat(again).isNotNull();
    }

    @Test
    void aMarkerWhoseAuditMarkWasTakenBackMarksAgainKnowingNeverAsABlindCheck() {
        String examId = createExam("withdrawn audit " + UUID.randomUUID());
        Map<String, Object> body = new HashMap<>(question(1, 4, keywordRubric("kw", 4, "oxygen")));
        body.put("marking", Map.of("mode", "ai", "autoAccept", Map.of("minConfidence", 0.5, "auditRate", 1)));
        postQuestion(null, examId, body).statusCode(201);
        String tag = examId.substring(0, 8);
        uploadCsv(examId, "student_id,question_number,answer\nx1-" + tag + ",1,oxygen\nx2-" + tag + ",1,oxygen\n")
                .statusCode(200);
        String jobId = gradeToCompletion(examId);
        List<String> items = given().when().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200)
                .extract().path("items.id");
        // the auditor disagrees with the AI on a published answer: the review-mark saga; its compensation
        String sagaId = given().contentType(ContentType.JSON).body(Map.of("score", 0, "markerId", "auditor")).when()
                .post("/api/v1/review-items/" + items.get(0) + "/marks").then().statusCode(200)
                .extract().path("sagaId");
        given().when().get("/api/v1/exams/" + examId + "/quality").then().statusCode(200)
                .body("questions[0].checked", equalTo(1));
        JsonNode data = JsonCodec.read(outbox("review-mark:" + sagaId).getString("payload"), JsonNode.class)
                .path("data");
        run(Map.of("override-score", new ScoreOverrideSteps.OverrideScore(reviews, audit)), new SagaCommand(
                UUID.fromString(sagaId), "demo-school", "review-mark", 1, 0, "override-score", Kind.COMPENSATE, 1, 3,
                data));
        String submission = data.path("submissionId").asText();
        assertThat(finalScore(jobId, submission)).isEqualByComparingTo("4");
        given().when().get("/api/v1/exams/" + examId + "/quality").then().statusCode(200)
                .body("questions[0].checked", equalTo(0));
        // the auditor saw the AI's score when their mark resolved the item: marking it again is no blind check
        given().contentType(ContentType.JSON).body(Map.of("score", 0, "markerId", "auditor")).when()
                .post("/api/v1/review-items/" + items.get(0) + "/marks").then().statusCode(200);
        given().when().get("/api/v1/exams/" + examId + "/quality").then().statusCode(200)
                .body("questions[0].checked", equalTo(0));
        // another person's first mark still is
        given().contentType(ContentType.JSON).body(Map.of("score", 4, "markerId", "second-auditor")).when()
                .post("/api/v1/review-items/" + items.get(1) + "/marks").then().statusCode(200);
        given().when().get("/api/v1/exams/" + examId + "/quality").then().statusCode(200)
                .body("questions[0].checked", equalTo(1));
    }

    @Test
    void aCompensationNeverUndoesALaterOverrideToTheSameScore() {
        Graded graded = graded();
        String submission = graded.submissions().get("a2");
        Map<String, SagaStep> steps = Map.of("override-score", new ScoreOverrideSteps.OverrideScore(reviews, audit));
        JsonNode data = JsonCodec.mapper().createObjectNode().put("jobId", graded.jobId())
                .put("submissionId", submission).put("score", new BigDecimal("1")).put("reason", "same score");
        UUID first = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        run(steps, new SagaCommand(first, "demo-school", "score-override", 1, 0, "override-score", Kind.FORWARD, 1, 1,
                data));
        run(steps, new SagaCommand(later, "demo-school", "score-override", 1, 0, "override-score", Kind.FORWARD, 1, 1,
                data));
        // the first saga compensates while the later override, to the very same score, stands: refused
        run(steps, new SagaCommand(first, "demo-school", "score-override", 1, 0, "override-score", Kind.COMPENSATE, 1,
                2, data));
        assertThat(finalScore(graded.jobId(), submission)).isEqualByComparingTo("1");
        assertThat(pool.preparedQuery("SELECT undone_at FROM score_overrides WHERE saga_id = $1").execute(Tuple.of(first))
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getValue("undone_at")).isNull();
        // once the later one is undone, the first one's compensation may restore what it replaced
        run(steps, new SagaCommand(later, "demo-school", "score-override", 1, 0, "override-score", Kind.COMPENSATE, 1,
                2, data));
        run(steps, new SagaCommand(first, "demo-school", "score-override", 1, 0, "override-score", Kind.COMPENSATE, 2,
                3, data));
        assertThat(finalScore(graded.jobId(), submission)).isEqualByComparingTo("2");
    }

    private Row outbox(String key) {
        return pool.preparedQuery("SELECT type, payload FROM outbox WHERE key = $1").execute(Tuple.of(key)).await()
                .atMost(Duration.ofSeconds(5)).iterator().next();
    }

    private void run(Map<String, SagaStep> steps, SagaCommand command) {
        participant.handle(ScoreOverrideSteps.PARTICIPANT, steps, Envelope.of(EventType.SAGA_COMMAND, "demo-school",
                command.key(), command, null)).await().atMost(Duration.ofSeconds(10));
    }

    private BigDecimal finalScore(String jobId, String submission) {
        return pool.preparedQuery("SELECT final_score FROM results WHERE job_id = $1 AND submission_id = $2")
                .execute(Tuple.of(UUID.fromString(jobId), UUID.fromString(submission))).await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getBigDecimal("final_score");
    }

    private List<String> outboxTypes(UUID saga) {
        List<String> types = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT type FROM outbox WHERE key LIKE $1 ORDER BY id").execute(Tuple.of("%" + saga))
                .await().atMost(Duration.ofSeconds(5)).forEach(row -> types.add(row.getString("type")));
        return types;
    }

    private static Graded graded() {
        String examId = createExam("override " + UUID.randomUUID());
        Map<String, Object> body = new HashMap<>(question(1, 4, keywordRubric("kw", 2, "光合作用")));
        postQuestion(null, examId, body).statusCode(201);
        String tag = examId.substring(0, 8);
        uploadCsv(examId, "student_id,question_number,answer\na1-" + tag + ",1,光合作用 产生氧气\na2-" + tag
                + ",1,光合作用  产生氧气\nb1-" + tag + ",1,呼吸作用\n").statusCode(200);
        String jobId = gradeToCompletion(examId);
        Map<String, String> submissions = new HashMap<>();
        List<Map<String, Object>> items = given().when().get("/api/v1/grading-jobs/" + jobId + "/results").then()
                .statusCode(200).extract().path("items");
        items.forEach(item -> submissions.put(((String) item.get("studentId")).split("-")[0],
                (String) item.get("submissionId")));
        return new Graded(examId, jobId, submissions);
    }
}
