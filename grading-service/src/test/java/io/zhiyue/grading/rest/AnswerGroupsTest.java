package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.as;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uniqueTenant;
import static io.zhiyue.grading.GradingTestData.uploadJson;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Answer groups: a question's answers identical after normalisation, listed biggest first and
 * stored as snapshots (the same answers give the same group id, one answer more a new one); a
 * group mark gives exactly the snapshot's members a teacher mark and resolves their open
 * single-mark review items, leaving blind (double-marked) items to their process.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class AnswerGroupsTest {

    private static final List<String> PHOTOSYNTHESIS = List.of("Photosynthesis", "  photosynthesis ",
            "PHOTOSYNTHESIS", "ｐｈｏｔｏｓｙｎｔｈｅｓｉｓ");

    @Inject
    Pool pool;

    @Test
    void identicalAnswersAfterNormalisationAreGroupedBiggestFirst() {
        String examId = createExam("answer groups");
        String questionId = addKeywordNumericQuestion(examId, 1);
        Map<String, String> answers = new LinkedHashMap<>();
        for (int i = 0; i < PHOTOSYNTHESIS.size(); i++) {
            answers.put("p" + i, PHOTOSYNTHESIS.get(i));
        }
        answers.putAll(Map.of("o1", "oxygen", "o2", "oxygen", "c1", "chlorophyll", "c2", "chlorophyll",
                "u1", "photosynthesis, pi ≈ 3.14"));
        upload(examId, answers);

        List<String> ids = groups(questionId).body("total", equalTo(3)).body("page", equalTo(1))
                .body("pageSize", equalTo(50))
                .body("items.size", contains(4, 2, 2))
                .body("items.normalizedAnswer", contains("photosynthesis", "chlorophyll", "oxygen"))
                .body("items[0].representative", in(PHOTOSYNTHESIS))
                .body("items.questionId", everyItem(equalTo(questionId)))
                .body("items.proposedScore", everyItem(nullValue()))
                .body("items.variants", everyItem(equalTo(1)))
                .body("items.marked", everyItem(equalTo(0)))
                .body("items.createdAt", everyItem(notNullValue()))
                .extract().path("items.id");
        // nothing changed: the same snapshots, nothing stored twice
        groups(questionId).body("items.id", equalTo(ids));
        assertThat(storedGroups(questionId)).isEqualTo(3);

        // a job's proposals show, the snapshots stay (a proposal is not part of what a group is)
        gradeToCompletion(examId);
        groups(questionId).body("items.id", equalTo(ids))
                .body("items.proposedScore", contains(decimal("4"), decimal("0"), decimal("0")));
        assertThat(storedGroups(questionId)).isEqualTo(3);

        // one identical answer more is another snapshot; the unchanged groups keep theirs
        upload(examId, Map.of("p9", "photosynthesis"));
        groups(questionId).body("items.size", contains(5, 2, 2))
                .body("items[0].id", not(equalTo(ids.get(0))))
                .body("items[1].id", equalTo(ids.get(1)))
                .body("items[2].id", equalTo(ids.get(2)));
        assertThat(storedGroups(questionId)).isEqualTo(4);

        given().queryParam("page", 2).queryParam("page_size", 1).queryParam("fields", "id,size")
                .when().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .body("page", equalTo(2)).body("pageSize", equalTo(1)).body("total", equalTo(3))
                .body("items", hasSize(1)).body("items[0].id", equalTo(ids.get(1)))
                .body("items[0].size", equalTo(2)).body("items[0].representative", nullValue());
    }

    @Test
    void aGroupMarkMarksExactlyTheMembersOfItsSnapshot() {
        String examId = createExam("answer groups, mark");
        String questionId = addKeywordNumericQuestion(examId, 1);
        upload(examId, Map.of("m1", "Photosynthesis", "m2", "photosynthesis", "x1", "photosynthesis, pi ≈ 3.14"));
        String groupId = groups(questionId).body("items", hasSize(1)).extract().path("items[0].id");
        // an identical answer arriving after the snapshot is not in it
        upload(examId, Map.of("m3", "photosynthesis"));

        markGroup(null, groupId, Map.of("score", 7.5, "markerId", " teacher-li ", "comment", "the keyword only"))
                .statusCode(200).body("groupId", equalTo(groupId)).body("marked", equalTo(2))
                .body("resolvedReviewItems", equalTo(0)).body("skippedBlindItems", equalTo(0));

        String jobId = gradeToCompletion(examId);
        result(jobId, "m1").body("score", decimal("7.5")).body("reviewStatus", equalTo("HUMAN"))
                .body("markers.markerId", contains("teacher-li"));
        result(jobId, "m2").body("score", decimal("7.5")).body("reviewStatus", equalTo("HUMAN"));
        result(jobId, "m3").body("score", decimal("4")).body("reviewStatus", equalTo("AUTO_ACCEPTED"));
        groups(questionId).body("items[0].size", equalTo(3)).body("items[0].marked", equalTo(2))
                .body("items[0].id", not(equalTo(groupId)));
    }

    @Test
    void answersOnlyPunctuationApartAreOneGroupOnceTheirEmbeddingsAreStored() {
        String examId = createExam("answer groups, near-identical");
        String questionId = addKeywordNumericQuestion(examId, 1);
        // a tag of this run keeps the texts new to the vector store that tests and runs share
        String tag = "答卷" + chineseNumerals(System.nanoTime() % 100_000_000);
        String answer = "光合作用在叶绿体中进行，释放出氧气。" + tag;
        upload(examId, Map.of("n1", answer, "n2", "光合作用在叶绿体中进行 释放出氧气 " + tag,
                "n3", "光合作用不在叶绿体中进行，释放出氧气。" + tag));
        // no vectors stored yet: nothing is identical, so no group
        groups(questionId).body("total", equalTo(0));

        given().when().post("/api/v1/questions/" + questionId + "/embeddings").then().statusCode(200)
                .body("distinct", equalTo(3));
        String groupId = groups(questionId).body("total", equalTo(1))
                .body("items[0].size", equalTo(2)).body("items[0].variants", equalTo(2))
                .extract().path("items[0].id");
        markGroup(null, groupId, Map.of("score", 7.5, "markerId", "teacher-near")).statusCode(200)
                .body("marked", equalTo(2));

        String jobId = gradeToCompletion(examId);
        result(jobId, "n1").body("score", decimal("7.5")).body("reviewStatus", equalTo("HUMAN"));
        result(jobId, "n2").body("score", decimal("7.5")).body("reviewStatus", equalTo("HUMAN"));
        // the negation is not a variant of the others
        result(jobId, "n3").body("score", decimal("4")).body("reviewStatus", equalTo("AUTO_ACCEPTED"));
        groups(questionId).body("items[0].id", equalTo(groupId)).body("items[0].marked", equalTo(2));
    }

    @Test
    void aGroupMarkResolvesOpenSingleMarkItemsAndLeavesBlindOnes() {
        String examId = createExam("answer groups, review queue");
        // question 1: ai without points, one person's mark is final; question 2: ai, double-marked
        String openId = addAiQuestionWithoutPoints(examId, 1, 4);
        Map<String, Object> twice = new HashMap<>(question(2, 4, keywordRubric("kw", 4, "oxygen")));
        twice.put("marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 1)));
        String twiceId = postQuestion(null, examId, twice).statusCode(201).extract().path("id");
        uploadJson(examId, List.of(
                answer("a1", 1, "free text"), answer("a2", 1, "Free  text"), answer("a3", 1, "something else"),
                answer("a1", 2, "oxygen"), answer("a2", 2, "Oxygen")))
                .statusCode(200).body("accepted", equalTo(5));
        String jobId = gradeToCompletion(examId);
        job(jobId).body("graded", equalTo(0)).body("pendingReview", equalTo(5));

        String openGroup = groups(openId).body("items.size", contains(2)).extract().path("items[0].id");
        markGroup(null, openGroup, Map.of("score", 2, "markerId", "t1")).statusCode(200)
                .body("marked", equalTo(2)).body("resolvedReviewItems", equalTo(2))
                .body("skippedBlindItems", equalTo(0));
        job(jobId).body("graded", equalTo(2)).body("pendingReview", equalTo(3));
        given().queryParam("filter[questionNumber]", 1).queryParam("filter[reviewStatus]", "HUMAN")
                .when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("items.studentId", containsInAnyOrder("a1", "a2"))
                .body("items.score", everyItem(decimal("2")));
        reviewItems(examId, 1).body("items.findAll { it.state == 'RESOLVED' }.answer",
                containsInAnyOrder("free text", "Free  text"));
        // marked again: both get another teacher mark, no item is open any more
        markGroup(null, openGroup, Map.of("score", 2.5, "markerId", "t2")).statusCode(200)
                .body("marked", equalTo(2)).body("resolvedReviewItems", equalTo(0));

        // a group mark is not an independent blind mark: double-marked items keep waiting for theirs
        String twiceGroup = groups(twiceId).body("items.size", contains(2)).extract().path("items[0].id");
        markGroup(null, twiceGroup, Map.of("score", 3, "markerId", "t1")).statusCode(200)
                .body("marked", equalTo(2)).body("resolvedReviewItems", equalTo(0))
                .body("skippedBlindItems", equalTo(2));
        reviewItems(examId, 2).body("items.state", everyItem(equalTo("SECOND_MARK")));
        job(jobId).body("graded", equalTo(2)).body("pendingReview", equalTo(3));
    }

    @Test
    void badInputIsRefusedAndMarksNothing() {
        String tenant = uniqueTenant();
        String examId = createExam(tenant, "answer groups, bad input", "biology");
        String questionId = as(tenant).contentType(ContentType.JSON)
                .body(question(1, 10, keywordRubric("kw", 10, "photosynthesis")))
                .when().post("/api/v1/exams/" + examId + "/questions").then().statusCode(201).extract().path("id");
        as(tenant).contentType(ContentType.JSON)
                .body(List.of(answer("b1", 1, "photosynthesis"), answer("b2", 1, "Photosynthesis")))
                .when().post("/api/v1/exams/" + examId + "/submissions").then().statusCode(200)
                .body("accepted", equalTo(2));
        String groupId = as(tenant).when().get("/api/v1/questions/" + questionId + "/answer-groups").then()
                .statusCode(200).extract().path("items[0].id");

        expectValidation(markGroup(tenant, groupId, Map.of("score", 0.3, "markerId", "t1")), "score");
        expectValidation(markGroup(tenant, groupId, Map.of("score", 10.5, "markerId", "t1")), "score");
        expectValidation(markGroup(tenant, groupId, Map.of("score", -1, "markerId", "t1")), "score");
        expectValidation(markGroup(tenant, groupId, Map.of("score", "high", "markerId", "t1")), "score");
        expectValidation(markGroup(tenant, groupId, Map.of("markerId", "t1")), "score");
        expectValidation(markGroup(tenant, groupId, Map.of("score", 1)), "markerId");
        expectValidation(markGroup(tenant, groupId, Map.of("score", 1, "markerId", "  ")), "markerId");
        expectValidation(markGroup(tenant, groupId, Map.of("score", 1, "markerId", "m".repeat(65))), "markerId");
        expectValidation(markGroup(tenant, groupId, Map.of("score", 1, "markerId", "t\u0000")), "markerId");
        expectValidation(markGroup(tenant, groupId, Map.of("score", 1, "markerId", "t1", "comment", "a\u0000b")),
                "comment");
        expectProblem(as(tenant).contentType(ContentType.JSON).body("{\"score\": 1, \"markerId\": ")
                .when().post("/api/v1/answer-groups/" + groupId + "/marks").then(), 400, "VALIDATION_ERROR");
        expectProblem(as(tenant).contentType(ContentType.JSON)
                .when().post("/api/v1/answer-groups/" + groupId + "/marks").then(), 400, "VALIDATION_ERROR");
        expectProblem(markGroup(tenant, UUID.randomUUID().toString(), Map.of("score", 1, "markerId", "t1")), 404,
                "RECORD_NOT_FOUND");
        // another tenant's group and question do not exist for this one
        expectProblem(markGroup(null, groupId, Map.of("score", 1, "markerId", "t1")), 404, "RECORD_NOT_FOUND");
        expectProblem(given().when().get("/api/v1/questions/" + questionId + "/answer-groups").then(), 404,
                "RECORD_NOT_FOUND");
        expectProblem(as(tenant).when().get("/api/v1/questions/" + UUID.randomUUID() + "/answer-groups").then(),
                404, "RECORD_NOT_FOUND");

        for (Map.Entry<String, String> bad : Map.of("page_size", "201", "page", "0", "sort_by", "size",
                "filter[size]", "2").entrySet()) {
            expectValidation(as(tenant).queryParam(bad.getKey(), bad.getValue())
                    .when().get("/api/v1/questions/" + questionId + "/answer-groups").then(), bad.getKey());
        }
        expectValidation(as(tenant).queryParam("page", "x")
                .when().get("/api/v1/questions/" + questionId + "/answer-groups").then(), "page");
        as(tenant).when().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .body("items[0].id", equalTo(groupId)).body("items[0].marked", equalTo(0));
    }

    /** 〇一二… for the digits: a number written in CJK letters, which keeps a text Chinese. */
    private static String chineseNumerals(long number) {
        StringBuilder out = new StringBuilder();
        for (char digit : Long.toString(number).toCharArray()) {
            out.append("〇一二三四五六七八九".charAt(digit - '0'));
        }
        return out.toString();
    }

    private static Map<String, Object> answer(String studentId, int questionNumber, String answer) {
        return Map.of("studentId", studentId, "questionNumber", questionNumber, "answer", answer);
    }

    /** Answers to question 1, by student. */
    private static void upload(String examId, Map<String, String> answers) {
        uploadJson(examId, answers.entrySet().stream().map(entry -> answer(entry.getKey(), 1, entry.getValue()))
                .toList()).statusCode(200).body("accepted", equalTo(answers.size()));
    }

    private static ValidatableResponse groups(String questionId) {
        return given().when().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200);
    }

    private static ValidatableResponse markGroup(String tenant, String groupId, Map<String, Object> body) {
        return as(tenant).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/answer-groups/" + groupId + "/marks").then();
    }

    private static ValidatableResponse reviewItems(String examId, int questionNumber) {
        return given().queryParam("filter[questionNumber]", questionNumber)
                .when().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200);
    }

    /** The one result of {@code studentId} in the job, as a JSON object at the root. */
    private static ValidatableResponse result(String jobId, String studentId) {
        return given().queryParam("filter[studentId]", studentId).when()
                .get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .rootPath("items[0]");
    }

    private long storedGroups(String questionId) {
        return pool.preparedQuery("SELECT count(*) FROM answer_groups WHERE question_id = $1")
                .execute(Tuple.of(UUID.fromString(questionId))).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }
}
