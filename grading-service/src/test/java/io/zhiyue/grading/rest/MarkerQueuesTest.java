package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Marker allocation, per-marker queues with leases, re-marking checks (回评) and per-marker figures:
 * each marker's queue holds only their questions, oldest first, never a student's identity; an item
 * is held by one marker at a time until the lease expires.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class MarkerQueuesTest {

    private String examId;

    /** Two ai-mode questions without points (every answer waits for one person's mark), three answers each. */
    @BeforeEach
    void anExamWithTwoQueues() {
        examId = createExam("marker queues");
        addAiQuestionWithoutPoints(examId, 1, 4);
        addAiQuestionWithoutPoints(examId, 2, 4);
        uploadCsv(examId, """
                student_id,question_number,answer
                q-0,1,one-a
                q-1,1,one-b
                q-2,1,one-c
                q-0,2,two-a
                q-1,2,two-b
                q-2,2,two-c
                """).statusCode(200);
        gradeToCompletion(examId);
    }

    @Test
    void eachMarkerGetsOnlyTheirQuestionsOneAtATimeAndAnonymous() {
        allocate(Map.of("markers", List.of(
                Map.of("markerId", "m1", "questionNumbers", List.of(1)),
                Map.of("markerId", "m2", "questionNumbers", List.of(2)),
                Map.of("markerId", "m3", "questionNumbers", List.of(1, 2)))))
                .statusCode(200).body("recheckEvery", equalTo(20)).body("markers.markerId", contains("m1", "m2", "m3"));

        String first = next("m1", null).statusCode(200).body("questionNumber", equalTo(1))
                .body("leaseExpiresAt", notNullValue()).extract().path("id");
        String body = next("m1", null).statusCode(200).body("id", equalTo(first)).extract().asString();
        assertThat(body).doesNotContain("q-0").doesNotContain("studentId").doesNotContain("submissionId");
        // m3 may mark question 1 but not the item m1 holds; m2 may not mark question 1 at all
        expectProblem(mark(first, 2, "m3"), 409, "ILLEGAL_STATE");
        expectProblem(mark(first, 2, "m2"), 403, "AUTHORIZATION_ERROR");

        // m1 works through question 1 in the queue's stable order (oldest first), then it is empty
        List<String> served = new ArrayList<>();
        String id = first;
        while (id != null) {
            served.add(id);
            mark(id, 3, "m1").statusCode(200).body("state", equalTo("RESOLVED"));
            ValidatableResponse response = next("m1", null);
            id = response.extract().statusCode() == 204 ? null : response.statusCode(200)
                    .body("questionNumber", equalTo(1)).extract().path("id");
        }
        List<String> queue = given().queryParam("filter[questionNumber]", 1).when()
                .get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200).extract().path("items.id");
        assertThat(served).containsExactlyElementsOf(queue);
        next("m2", null).statusCode(200).body("questionNumber", equalTo(2));
        expectProblem(next("nobody", null), 403, "AUTHORIZATION_ERROR");
    }

    @Test
    void aLeaseExpiresAndTheItemReturnsToTheQueue() {
        String held = next("m1", 1).statusCode(200).extract().path("id");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().when().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200)
                        .extract().path("items.find { it.id == '" + held + "' }.leaseExpiresAt") == null);
        // back in the queue: the next marker gets it (the oldest), and m1's lease is gone
        next("m2", 60).statusCode(200).body("id", equalTo(held));
        expectProblem(mark(held, 2, "m1"), 409, "ILLEGAL_STATE");
        mark(held, 2, "m2").statusCode(200).body("state", equalTo("RESOLVED"));
    }

    @Test
    void aMarkersAnswersComeBackBlindAndTheirConsistencyIsMeasured() {
        allocate(Map.of("recheckEvery", 2, "markers", List.of(Map.of("markerId", "m1", "questionNumbers", List.of(1, 2)))))
                .statusCode(200).body("recheckEvery", equalTo(2));
        List<String> marked = new ArrayList<>();
        for (double score : new double[] {3, 1}) {
            String id = next("m1", null).statusCode(200).extract().path("id");
            mark(id, score, "m1").statusCode(200);
            marked.add(id);
        }
        // after two marks one of them is served again: no earlier mark, no final score
        String again = next("m1", null).statusCode(200).body("finalScore", nullValue()).body("marks", empty())
                .extract().path("id");
        assertThat(marked).contains(again);
        double first = again.equals(marked.get(0)) ? 3 : 1;
        mark(again, first + 0.5, "m1").statusCode(200);
        // the item keeps its final score; the re-mark only counts for consistency
        given().queryParam("filter[state]", "RESOLVED").when().get("/api/v1/exams/" + examId + "/review-items")
                .then().statusCode(200).body("items.find { it.id == '" + again + "' }.finalScore",
                        decimal(String.valueOf(first)));
        given().when().get("/api/v1/exams/" + examId + "/markers/quality").then().statusCode(200)
                .body("markers.markerId", contains("m1"))
                .body("markers[0].reviewMarks", equalTo(2))
                .body("markers[0].resolvedMarks", equalTo(2))
                .body("markers[0].meanDeviation", decimal("0"))
                .body("markers[0].medianSecondsPerMark", notNullValue())
                .body("markers[0].rechecked", equalTo(1))
                .body("markers[0].rechecksSame", equalTo(0))
                .body("markers[0].meanRecheckDifference", decimal("0.5"));
    }

    @Test
    void markersAskingAtOnceGetDifferentAnswers() {
        List<CompletableFuture<String>> asks = IntStream.range(0, 6)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> next("p" + i, null).statusCode(200)
                        .extract().<String>path("id")))
                .toList();
        assertThat(asks.stream().map(CompletableFuture::join).distinct()).hasSize(6);
    }

    @Test
    void badAllocationsAndRequestsAreRefused() {
        expectValidation(allocate(Map.of("markers", List.of(Map.of("markerId", "m1", "questionNumbers", List.of(9))))),
                "markers[0].questionNumbers");
        expectValidation(allocate(Map.of("markers", List.of(Map.of("markerId", "", "questionNumbers", List.of(1))))),
                "markers[0].markerId");
        expectValidation(allocate(Map.of("markers", List.of(Map.of("markerId", "m1", "questionNumbers", List.of(1)),
                Map.of("markerId", "m1", "questionNumbers", List.of(2))))), "markers[1].markerId");
        expectValidation(allocate(Map.of("recheckEvery", 0, "markers", List.of())), "recheckEvery");
        expectValidation(allocate(Map.of("recheckEvery", 2)), "markers");
        expectValidation(given().contentType(ContentType.JSON).body(Map.of("markerId", "m1", "leaseSeconds", 0))
                .when().post("/api/v1/exams/" + examId + "/review-items/next").then(), "leaseSeconds");
        expectProblem(given().contentType(ContentType.JSON).body(Map.of("markerId", "m1"))
                .when().post("/api/v1/exams/00000000-0000-0000-0000-000000000000/review-items/next").then(),
                404, "RECORD_NOT_FOUND");
        // an allocation that was refused changed nothing
        given().when().get("/api/v1/exams/" + examId + "/markers").then().statusCode(200)
                .body("markers", empty()).body("recheckEvery", equalTo(20));
    }

    private ValidatableResponse allocate(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().put("/api/v1/exams/" + examId + "/markers").then();
    }

    private ValidatableResponse next(String markerId, Integer leaseSeconds) {
        Map<String, Object> body = new HashMap<>();
        body.put("markerId", markerId);
        if (leaseSeconds != null) {
            body.put("leaseSeconds", leaseSeconds);
        }
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/exams/" + examId + "/review-items/next").then();
    }

    private static ValidatableResponse mark(String itemId, double score, String markerId) {
        return given().contentType(ContentType.JSON).body(Map.of("score", score, "markerId", markerId))
                .when().post("/api/v1/review-items/" + itemId + "/marks").then();
    }
}
