package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * The review queue: items for every answer a job left NEEDS_REVIEW, anonymous, blind while
 * double-marked; people's marks resolve them by the double-marking rules (DESIGN.md "Marking"),
 * and a resolving mark makes the result final (HUMAN) and counts it graded.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ReviewQueueTest {

    @Inject
    Pool pool;

    private String examId;
    private String jobId;

    /**
     * Question 1: ai, double marking (tolerance 1, step 0.5, max 4), the grader proposes 4 for
     * "oxygen" and 0 otherwise. Question 2: ai without points, one person's mark is final.
     */
    @BeforeEach
    void anExamWaitingForPeople() {
        examId = createExam("review queue");
        Map<String, Object> twice = new HashMap<>(question(1, 4, keywordRubric("kw", 4, "oxygen")));
        twice.put("marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 1)));
        postQuestion(null, examId, twice).statusCode(201);
        addAiQuestionWithoutPoints(examId, 2, 4);
        uploadCsv(examId, """
                student_id,question_number,answer
                r-0,1,oxygen first
                r-1,1,oxygen second
                r-2,1,no idea
                r-0,2,free text
                """).statusCode(200).body("accepted", equalTo(4));
        jobId = gradeToCompletion(examId);
        job(jobId).body("graded", equalTo(0)).body("pendingReview", equalTo(4));
    }

    @Test
    void itemsAreAnonymousAndBlindWhileDoubleMarked() {
        String body = items(1).body("items", hasSize(3))
                .body("items.state", everyItem(equalTo("SECOND_MARK")))
                .body("items.proposal", everyItem(nullValue()))
                .body("items.doubleMarking", everyItem(equalTo(true)))
                .body("items.maxScore", everyItem(decimal("4")))
                .extract().asString();
        assertThat(body).doesNotContain("r-0").doesNotContain("studentId").doesNotContain("submissionId");
        // outside double marking the proposal shows (here there is none: no points)
        items(2).body("items", hasSize(1)).body("items[0].proposal", nullValue())
                .body("items[0].answer", equalTo("free text"));
        given().queryParam("filter[state]", "RESOLVED").when().get("/api/v1/exams/" + examId + "/review-items")
                .then().statusCode(200).body("items", empty());
    }

    @Test
    void twoMarksWithinToleranceResolveToTheirMeanRoundedDown() {
        String item = itemFor("oxygen first");
        // the grader's 4 and this 3.5 are within 1: mean 3.75, down to the step 0.5
        mark(item, 3.5, "t1", false).statusCode(200).body("state", equalTo("RESOLVED"))
                .body("finalScore", decimal("3.5"))
                .body("marks.kind", contains("ai", "human"))
                .body("proposal.score", decimal("4"));
        job(jobId).body("graded", equalTo(1)).body("pendingReview", equalTo(3));
        results(1, "HUMAN").body("items", hasSize(1)).body("items[0].studentId", equalTo("r-0"))
                .body("items[0].score", decimal("3.5"))
                .body("items[0].markers.markerId", contains("rule-based-v1", "t1"));
        expectProblem(mark(item, 2, "t2", false), 409, "ILLEGAL_STATE");
        // the change goes out through the outbox: the score (no student) and the job's counters
        List<String> events = pool.preparedQuery("""
                        SELECT type || ' ' || payload FROM outbox WHERE key LIKE $1 OR (type = 'GRADING_PROGRESS'
                            AND payload LIKE '%' || $2 || '%' AND payload LIKE '%"graded":1%') ORDER BY id""")
                .execute(Tuple.of("score:" + item + ":%", jobId)).await().atMost(Duration.ofSeconds(5)).stream()
                .map(row -> row.getString(0)).toList();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).startsWith("SCORE_CHANGED").contains("\"score\":3.5").contains("HUMAN")
                .doesNotContain("r-0");
        assertThat(events.get(1)).startsWith("GRADING_PROGRESS").contains("\"pendingReview\":3");
    }

    @Test
    void aThirdMarkNearOneOfTheFirstTwoResolvesToThatPair() {
        String item = itemFor("oxygen second");
        // once their mark is stored, t1 may see the grader's; the third marker has seen nothing yet
        mark(item, 2, "t1", false).statusCode(200).body("state", equalTo("THIRD_MARK"))
                .body("finalScore", nullValue())
                .body("marks.kind", contains("ai", "human"))
                .body("proposal.score", decimal("4"));
        items(1).body("items.find { it.answer == 'oxygen second' }.proposal", nullValue());
        expectProblem(mark(item, 2.5, "t1", false), 409, "DUPLICATE_RECORD");
        // 3.5 is within 1 of the grader's 4, not of 2: mean 3.75 → 3.5
        mark(item, 3.5, "t2", false).statusCode(200).body("state", equalTo("RESOLVED"))
                .body("finalScore", decimal("3.5"));
    }

    @Test
    void marksFarApartGoToTheChiefMarker() {
        String item = itemFor("no idea");
        mark(item, 3, "t1", false).statusCode(200).body("state", equalTo("THIRD_MARK"));
        // 1.5 is 1.5 from the grader's 0 and from 3: arbitration
        mark(item, 1.5, "t2", false).statusCode(200).body("state", equalTo("ARBITRATION"));
        items(1).body("items.find { it.answer == 'no idea' }.state", equalTo("ARBITRATION"));
        expectProblem(mark(item, 1, "t3", false), 403, "AUTHORIZATION_ERROR");
        mark(item, 1, "c1", true).statusCode(200).body("state", equalTo("RESOLVED"))
                .body("finalScore", decimal("1"))
                .body("marks.markerId", contains("rule-based-v1", "t1", "t2", "c1"));
        results(1, "HUMAN").body("items.find { it.studentId == 'r-2' }.markers.score",
                contains(decimal("0"), decimal("3"), decimal("1.5"), decimal("1")));
    }

    @Test
    void outsideDoubleMarkingOnePersonsMarkIsFinal() {
        String item = items(2).extract().path("items[0].id");
        given().contentType(ContentType.JSON).body(Map.of("score", 2, "markerId", "t1", "reason", "key idea present",
                        "points", List.of(Map.of("id", "idea", "awarded", true))))
                .when().post("/api/v1/review-items/" + item + "/marks").then()
                .statusCode(200).body("state", equalTo("RESOLVED")).body("finalScore", decimal("2"));
        // the mark is kept with its evidence
        assertThat(pool.preparedQuery("SELECT points::text, reason FROM review_marks WHERE review_item_id = $1")
                .execute(Tuple.of(UUID.fromString(item))).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getString(0)).contains("\"idea\"");
        expectProblem(mark(item, 3, "t2", false), 409, "ILLEGAL_STATE");
        results(2, "HUMAN").body("items[0].score", decimal("2")).body("items[0].proposedScore", nullValue());
        given().when().get("/api/v1/grading-jobs/" + jobId + "/statistics").then().statusCode(200)
                .body("questions.questionNumber", contains(2));
    }

    @Test
    void aChiefsOwnMarkIsAnOrdinaryBlindMarkAndTheyNeverArbitrateIt() {
        given().contentType(ContentType.JSON).body(Map.of("markers", List.of(
                        Map.of("markerId", "c1", "questionNumbers", List.of(1, 2), "chief", true),
                        Map.of("markerId", "c2", "questionNumbers", List.of(1, 2), "chief", true),
                        Map.of("markerId", "t2", "questionNumbers", List.of(1, 2)))))
                .when().put("/api/v1/exams/" + examId + "/markers").then().statusCode(200);
        String item = itemFor("no idea");
        mark(item, 3, "c1", false).statusCode(200).body("state", equalTo("THIRD_MARK"));
        mark(item, 1.5, "t2", false).statusCode(200).body("state", equalTo("ARBITRATION"));
        // c1's queue never offers the item they marked, and they may not arbitrate it
        String offered = given().contentType(ContentType.JSON).body(Map.of("markerId", "c1"))
                .when().post("/api/v1/exams/" + examId + "/review-items/next").then().statusCode(200)
                .extract().path("id");
        assertThat(offered).isNotEqualTo(item);
        expectProblem(mark(item, 1, "c1", true), 409, "DUPLICATE_RECORD");
        // another chief of the question arbitrates (chief by the allocation, not the body)
        mark(item, 1, "c2", false).statusCode(200).body("state", equalTo("RESOLVED")).body("finalScore", decimal("1"));
        // c1's mark was the first blind mark of the AI's 0: it is the question's one blind check
        given().when().get("/api/v1/exams/" + examId + "/quality").then().statusCode(200)
                .body("questions.find { it.questionNumber == 1 }.checked", equalTo(1))
                .body("questions.find { it.questionNumber == 1 }.exactAgreement", decimal("0"));
    }

    @Test
    void aScorePeopleGaveIsTheNextJobsScoreUnderTheSameVersion() {
        String item = items(2).extract().path("items[0].id");
        mark(item, 2.5, "t1", false).statusCode(200).body("state", equalTo("RESOLVED"));
        String next = gradeToCompletion(examId);
        job(next).body("graded", equalTo(1)).body("pendingReview", equalTo(3));
        given().queryParam("filter[questionNumber]", 2).when().get("/api/v1/grading-jobs/" + next + "/results")
                .then().statusCode(200).body("items[0].reviewStatus", equalTo("HUMAN"))
                .body("items[0].score", decimal("2.5")).body("items[0].markers.markerId", contains("t1"));
    }

    @Test
    void badMarksAreRefusedAndChangeNothing() {
        String item = itemFor("oxygen first");
        expectValidation(mark(item, 0.3, "t1", false), "score");
        expectValidation(mark(item, 4.5, "t1", false), "score");
        expectValidation(given().contentType(ContentType.JSON).body(Map.of("score", 1, "markerId", "t1", "points", "all"))
                .when().post("/api/v1/review-items/" + item + "/marks").then(), "points");
        expectValidation(given().contentType(ContentType.JSON).body("{\"score\": 1e-999999999, \"markerId\": \"t1\"}")
                .when().post("/api/v1/review-items/" + item + "/marks").then(), "score");
        expectValidation(given().contentType(ContentType.JSON).body(Map.of("score", 1))
                .when().post("/api/v1/review-items/" + item + "/marks").then(), "markerId");
        expectProblem(mark(UUID.randomUUID().toString(), 1, "t1", false), 404, "RECORD_NOT_FOUND");
        expectProblem(given().when().get("/api/v1/exams/" + UUID.randomUUID() + "/review-items").then(), 404,
                "RECORD_NOT_FOUND");
        items(1).body("items.state", everyItem(equalTo("SECOND_MARK")));
        job(jobId).body("graded", equalTo(0)).body("pendingReview", equalTo(4));
    }

    private ValidatableResponse items(int questionNumber) {
        return given().queryParam("filter[questionNumber]", questionNumber)
                .when().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200);
    }

    private String itemFor(String answer) {
        List<Map<String, Object>> items = items(1).extract().path("items");
        return items.stream().filter(item -> answer.equals(item.get("answer"))).map(item -> (String) item.get("id"))
                .findFirst().orElseThrow();
    }

    private ValidatableResponse results(int questionNumber, String reviewStatus) {
        return given().queryParam("filter[questionNumber]", questionNumber)
                .queryParam("filter[reviewStatus]", reviewStatus)
                .when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200);
    }

    private static ValidatableResponse mark(String itemId, double score, String markerId, boolean chief) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("score", score, "markerId", markerId, "chief", chief))
                .when().post("/api/v1/review-items/" + itemId + "/marks").then();
    }
}
