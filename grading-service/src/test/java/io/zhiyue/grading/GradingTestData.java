package io.zhiyue.grading;

import io.restassured.http.ContentType;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Builds exams through the API so each test owns unique data. */
public final class GradingTestData {

    private GradingTestData() {
    }

    public static String createExam(String title) {
        return given().contentType(ContentType.JSON).body(Map.of("title", title, "subject", "science"))
                .when().post("/api/v1/exams")
                .then().statusCode(201).extract().path("id");
    }

    /** Question 1: "photosynthesis" keyword (4) + numeric 3.14 ± 0.01 (6), max 10, step 0.5. */
    public static String addKeywordNumericQuestion(String examId, int number) {
        Map<String, Object> rubric = Map.of("points", List.of(
                Map.of("id", "kw", "description", "names the process", "points", 4,
                        "match", Map.of("anyOf", List.of("photosynthesis", "光合作用"))),
                Map.of("id", "pi", "description", "gives pi", "points", 6,
                        "match", Map.of("numeric", Map.of("value", 3.14, "tolerance", 0.01)))));
        return given().contentType(ContentType.JSON)
                .body(Map.of("number", number, "prompt", "Explain and give pi", "maxScore", 10, "scoreStep", 0.5,
                        "rubric", rubric))
                .when().post("/api/v1/exams/" + examId + "/questions")
                .then().statusCode(201).extract().path("id");
    }
}
