package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.GradingTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.keywordNumericRubric;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Bad requests of every kind answer 4xx problem+json; none is a 500 and none stores anything. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ProblemResponseTest {

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\": ", "{title: \"x\"}", "{\"title\": \"x\",}", "not json", "{\"title\": \"x\"} trailing"})
    void malformedJsonIs400(String body) {
        expectValidation(given().contentType(ContentType.JSON).body(body).when().post("/api/v1/exams").then(), "body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"subject\": \"math\"}", "{\"title\": null}", "{\"title\": \"   \"}"})
    void missingOrBlankTitleIs400NamingTitle(String body) {
        expectValidation(given().contentType(ContentType.JSON).body(body).when().post("/api/v1/exams").then(), "title");
    }

    @Test
    void overlongTitleIs400() {
        expectValidation(given().contentType(ContentType.JSON).body(Map.of("title", "x".repeat(201)))
                .when().post("/api/v1/exams").then(), "title");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"title\": [\"a\"]}", "{\"title\": {\"zh\": \"考试\"}}", "{\"title\": 5}", "{\"title\": true}",
            "{\"title\": \"ok\", \"subject\": [1]}"})
    void wrongTypesAre400NamingTheField(String body) {
        String field = body.contains("subject") ? "subject" : "title";
        expectValidation(given().contentType(ContentType.JSON).body(body).when().post("/api/v1/exams").then(), field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "\"an exam\"", "42"})
    void emptyOrNonObjectBodyIs400(String body) {
        expectProblem(given().contentType(ContentType.JSON).body(body).when().post("/api/v1/exams").then(),
                400, "VALIDATION_ERROR")
                .body("errors[0].field", equalTo("body"));
    }

    @Test
    void wrongContentTypeIs415() {
        expectProblem(given().contentType("application/xml").body("<exam><title>x</title></exam>")
                .when().post("/api/v1/exams").then(), 415, "UNSUPPORTED_MEDIA_TYPE");
        expectProblem(given().contentType("text/plain").body("{\"title\": \"x\"}")
                .when().post("/api/v1/exams").then(), 415, "UNSUPPORTED_MEDIA_TYPE");
        String examId = createExam("xml upload");
        expectProblem(given().contentType("application/xml").body("<rows/>")
                .when().post("/api/v1/exams/" + examId + "/submissions").then(), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void unknownRouteAndWrongMethodAreProblemsWithTheirOwnStatus() {
        expectProblem(given().when().get("/api/v1/no-such-thing").then(), 404, "RECORD_NOT_FOUND");
        String examId = createExam("method");
        expectProblem(given().when().delete("/api/v1/exams/" + examId).then(), 405, "VALIDATION_ERROR");
        expectProblem(given().contentType(ContentType.JSON).body("{}").when().put("/api/v1/exams").then(),
                405, "VALIDATION_ERROR");
        expectProblem(given().accept("application/xml").when().get("/api/v1/exams").then(), 406, "VALIDATION_ERROR");
    }

    @Test
    void questionWithWrongTypesIs400NamingTheField() {
        String examId = createExam("question types");
        expectValidation(GradingTestData.postQuestion(null, examId, question(1, "ten", keywordNumericRubric())), "maxScore");
        expectValidation(GradingTestData.postQuestion(null, examId,
                Map.of("number", "one", "prompt", "p", "maxScore", 10, "rubric", keywordNumericRubric())), "number");
        expectValidation(GradingTestData.postQuestion(null, examId,
                Map.of("number", 1.5, "prompt", "p", "maxScore", 10, "rubric", keywordNumericRubric())), "number");
        expectValidation(GradingTestData.postQuestion(null, examId,
                Map.of("number", 1, "prompt", "p", "maxScore", 10, "rubric", "all of it")), "rubric");
        expectValidation(GradingTestData.postQuestion(null, examId, Map.of("number", 1, "prompt", "p", "maxScore", 10,
                "rubric", Map.of("points", List.of(Map.of("id", "a", "points", "lots", "match", Map.of("anyOf", List.of("x"))))))),
                "rubric.points[0].points");
        expectValidation(GradingTestData.postQuestion(null, examId, "{\"number\": 1, "), "body");
        expectValidation(GradingTestData.postQuestion(null, examId, "{\"number\": 1, \"rubric\": {\"points\": [{\"id\": "), "body");
        expectProblem(given().contentType(ContentType.JSON).body("").when().post("/api/v1/exams/" + examId + "/questions").then(),
                400, "VALIDATION_ERROR");

        // nothing of the above was stored
        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void textPostgresqlCannotStoreIs400NotA500() {
        expectValidation(given().contentType(ContentType.JSON).body("{\"title\": \"a\\u0000b\"}")
                .when().post("/api/v1/exams").then(), "title");
        expectValidation(given().contentType(ContentType.JSON).body("{\"title\": \"ok\", \"subject\": \"\\u0000\"}")
                .when().post("/api/v1/exams").then(), "subject");
        String examId = createExam("nul");
        expectValidation(GradingTestData.postQuestion(null, examId,
                Map.of("number", 1, "prompt", "a\u0000", "maxScore", 10, "rubric", keywordNumericRubric())), "prompt");
        expectProblem(GradingTestData.postQuestion(null, examId,
                question(2, 10, GradingTestData.keywordRubric("k", 5, "a\u0000b"))), 400, "VALIDATION_ERROR");
        expectProblem(GradingTestData.postQuestion(null, examId, question(3, 10, Map.of("points", List.of(
                Map.of("id", "k", "points", 1e12, "match", Map.of("anyOf", List.of("x"))))))), 400, "VALIDATION_ERROR");
        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200).body("items", hasSize(0));
        expectValidation(given().queryParam("filter[subject]", "a\u0000").when().get("/api/v1/exams").then(),
                "filter[subject]");
    }

    @Test
    void aPageFarBeyondTheEndIsEmptyNotAnError() {
        given().queryParam("page", Integer.MAX_VALUE).queryParam("page_size", 200).when().get("/api/v1/exams")
                .then().statusCode(200).body("items", hasSize(0)).body("page", equalTo(Integer.MAX_VALUE));
    }

    @Test
    void numbersTooBigForTheirFieldAre400() {
        String examId = createExam("big numbers");
        expectValidation(GradingTestData.postQuestion(null, examId,
                "{\"number\": 99999999999, \"prompt\": \"p\", \"maxScore\": 10}"), "number");
        expectValidation(given().queryParam("page", "99999999999").when().get("/api/v1/exams").then(), "page");
    }

    @Test
    void problemDetailsDoNotLeakInternals() {
        String body = given().contentType(ContentType.JSON).body("[]").when().post("/api/v1/exams")
                .then().statusCode(400).extract().asString();
        assertThat(body).doesNotContain("io.zhiyue").doesNotContain("java.");
        String types = given().contentType(ContentType.JSON).body("{\"title\": {\"a\": 1}}").when().post("/api/v1/exams")
                .then().statusCode(400).extract().asString();
        assertThat(types).doesNotContain("io.zhiyue").doesNotContain("java.");
    }
}
