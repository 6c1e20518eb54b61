package io.zhiyue.grading.llm;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Content;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.awaitState;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Result reuse in marking ({@code ResultReuse}) against the scripted LLM and the result cache's test double: an
 * identical answer is asked about once, in its batch and in later jobs; a job may opt out; a review mark that
 * overrides a proposal of a completed job has its saga's cache step take it out of the cache; a rubric whose point values alone changed re-scores from the
 * stored decisions; a cache-service that is down costs only the saving.
 */
@QuarkusTest
@TestProfile(ScriptedLlmProfile.class)
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ResultReuseTest {

    private static final ScriptedOpenAiServer LLM = ScriptedLlmProfile.SERVER;
    private static final ResultCacheStub RESULTS = ScriptedLlmProfile.RESULTS;

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /** Six answers, three distinct texts: a ×3, b ×2, c ×1. */
    private record Exam(String examId, String questionId, String tag) {
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
        RESULTS.reset();
        ScriptedLlmProfile.CHECKPOINTS.reset();
        // kw awarded with its evidence, pi not: 2 of 4
        LLM.otherwise(request -> new Content(LlmGradingTest.verdict(2, 0.7, "kw", "光合作用", null, null)));
    }

    @AfterEach
    void breakersClosed() {
        RESULTS.down(false);
        CircuitBreakerMaintenance.get().resetAll();
    }

    @Test
    void anIdenticalAnswerIsAskedAboutOnceThenReusedByTheNextJob() {
        Exam exam = exam();
        String first = grade(exam, null);
        // one LLM call per distinct text; the copies in the batch take the one graded in their place
        assertThat(LLM.requests()).hasSize(3);
        assertThat(reused(first).values()).containsExactlyInAnyOrder(null, null, null, "batch", "batch", "batch");
        assertThat(RESULTS.stored()).isEqualTo(3);

        String second = grade(exam, null);
        // the next job asks the cache, once for its batch, and the LLM nothing
        assertThat(LLM.requests()).hasSize(3);
        assertThat(reused(second).values()).containsOnly("local");
        assertThat(scores(second)).isEqualTo(scores(first)).hasSize(6);
        assertThat(RESULTS.lookups()).isEqualTo(2);
    }

    @Test
    void aJobThatDoesNotReuseResultsHasEveryAnswerAskedAbout() {
        Exam exam = exam();
        String reusing = grade(exam, null);
        String alone = grade(exam, false);
        assertThat(LLM.requests()).hasSize(3 + 6);
        assertThat(reused(alone).values()).containsOnlyNulls();
        assertThat(scores(alone)).isEqualTo(scores(reusing));
        // it neither asked the cache nor stored anything in it
        assertThat(RESULTS.lookups()).isEqualTo(1);
        assertThat(RESULTS.stored()).isEqualTo(3);
        given().when().get("/api/v1/grading-jobs/" + alone).then().statusCode(200)
                .body("reuseResults", org.hamcrest.Matchers.equalTo(false));
    }

    @Test
    void aReviewMarkThatOverridesTheProposalHasItsSagaTakeItOutOfTheCache() {
        Exam exam = exam();
        String jobId = grade(exam, null);
        String item = given().queryParam("filter[state]", "SECOND_MARK").when()
                .get("/api/v1/exams/" + exam.examId() + "/review-items").then().statusCode(200)
                .extract().path("items[0].id");
        assertThat(item).isNotNull();
        // the job COMPLETED: the mark is the score-override saga's first step, and its cache step drops the entry
        String saga = given().contentType(ContentType.JSON).body(Map.of("score", 0, "markerId", "t1"))
                .when().post("/api/v1/review-items/" + item + "/marks").then().statusCode(200)
                .extract().path("sagaId");
        JsonNode cacheStep = sagaStart(saga).path("result");
        assertThat(cacheStep.path("reuseKey").asText()).isNotBlank();
        assertThat(cacheStep.path("reuseVersion").asText()).isNotBlank();
        // not by the mark: the entry stays until the saga's cache step (cache-service) drops it
        assertThat(RESULTS.size()).isEqualTo(3);
        // a mark that agrees with the proposal leaves its entry alone
        String agreeing = given().queryParam("filter[state]", "SECOND_MARK").when()
                .get("/api/v1/exams/" + exam.examId() + "/review-items").then().statusCode(200)
                .extract().path("items[0].id");
        String agreed = given().contentType(ContentType.JSON).body(Map.of("score", 2, "markerId", "t1"))
                .when().post("/api/v1/review-items/" + agreeing + "/marks").then().statusCode(200)
                .extract().path("sagaId");
        assertThat(sagaStart(agreed).path("result").has("reuseKey")).isFalse();
        assertThat(RESULTS.invalidated()).isEmpty();
        assertThat(jobId).isNotNull();
    }

    /** The saga a review mark started, as its outbox entry carries it. */
    private JsonNode sagaStart(String sagaId) {
        assertThat(sagaId).isNotNull();
        return io.zhiyue.shared.json.JsonCodec.read(pool.preparedQuery("SELECT payload FROM outbox WHERE key = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of("review-mark:" + sagaId)).await()
                .atMost(java.time.Duration.ofSeconds(5)).iterator().next().getString("payload"), JsonNode.class);
    }

    @Test
    void aRubricWhosePointValuesAloneChangedIsReScoredFromTheStoredDecisions() {
        Exam exam = exam();
        String first = grade(exam, null);
        assertThat(scores(first).values()).allMatch(score -> score.compareTo(new BigDecimal("2")) == 0);
        // kw now carries 3, pi 1: same ids, same match rules
        given().contentType(ContentType.JSON).body(rubric(3, 1))
                .when().put("/api/v1/questions/" + exam.questionId() + "/rubric").then().statusCode(200);
        String second = grade(exam, null);
        assertThat(LLM.requests()).hasSize(3);
        assertThat(reused(second).values()).containsOnly("rescored");
        assertThat(scores(second).values()).allMatch(score -> score.compareTo(new BigDecimal("3")) == 0);

        // a changed match rule is another question: graded again
        Map<String, Object> changed = rubric(3, 1);
        given().contentType(ContentType.JSON).body(Map.of("points", List.of(
                        Map.of("id", "kw", "description", "names the process", "points", 3,
                                "match", Map.of("anyOf", List.of("光合作用", "photosynthesis"))),
                        ((List<?>) changed.get("points")).get(1))))
                .when().put("/api/v1/questions/" + exam.questionId() + "/rubric").then().statusCode(200);
        String third = grade(exam, null);
        assertThat(LLM.requests()).hasSize(6);
        assertThat(reused(third).values()).doesNotContain("rescored", "local");
    }

    @Test
    void aCacheServiceThatIsDownCostsOnlyTheSaving() {
        Exam exam = exam();
        RESULTS.down(true);
        String jobId = grade(exam, null);
        assertThat(LLM.requests()).hasSize(3);
        assertThat(scores(jobId)).hasSize(6);
        assertThat(RESULTS.stored()).isZero();
    }

    private static Exam exam() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = createExam("reuse " + tag);
        Map<String, Object> body = new HashMap<>(question(1, 4, rubric(2, 2)));
        // every proposal waits for people, so the review queue has items to mark
        body.put("marking", Map.of("mode", "ai", "autoAccept", Map.of("enabled", false)));
        String questionId = postQuestion(null, examId, body).statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        String[] texts = {"a", "a", "a", "b", "b", "c"};
        for (int i = 0; i < texts.length; i++) {
            csv.append("s").append(i).append('-').append(tag).append(",1,光合作用 ").append(texts[i]).append(' ')
                    .append(tag).append('\n');
        }
        uploadCsv(examId, csv.toString()).statusCode(200);
        return new Exam(examId, questionId, tag);
    }

    private static Map<String, Object> rubric(int kw, int pi) {
        return Map.of("points", List.of(
                Map.of("id", "kw", "description", "names the process", "points", kw,
                        "match", Map.of("anyOf", List.of("光合作用"))),
                Map.of("id", "pi", "description", "gives pi", "points", pi,
                        "match", Map.of("numeric", Map.of("value", 3.14, "tolerance", 0.01)))));
    }

    /** A new job on the exam, graded to its end; {@code reuse} null: the default. */
    private static String grade(Exam exam, Boolean reuse) {
        var request = given();
        if (reuse != null) {
            request = request.contentType(ContentType.JSON).body(Map.of("reuseResults", reuse));
        }
        String jobId = request.when().post("/api/v1/exams/" + exam.examId() + "/grading-jobs").then().statusCode(201)
                .extract().path("id");
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");
        return jobId;
    }

    /** Each student's {@code reused}. */
    private static Map<String, String> reused(String jobId) {
        List<Map<String, Object>> items = results(jobId);
        Map<String, String> reused = new TreeMap<>();
        items.forEach(item -> reused.put((String) item.get("studentId"), (String) item.get("reused")));
        return reused;
    }

    /** Each student's proposed score. */
    private static Map<String, BigDecimal> scores(String jobId) {
        Map<String, BigDecimal> scores = new TreeMap<>();
        results(jobId).forEach(item -> scores.put((String) item.get("studentId"),
                new BigDecimal(String.valueOf(item.get("proposedScore")))));
        return scores;
    }

    private static List<Map<String, Object>> results(String jobId) {
        return given().queryParam("page_size", 100).when().get("/api/v1/grading-jobs/" + jobId + "/results")
                .then().statusCode(200).extract().path("items");
    }
}
