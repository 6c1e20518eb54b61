package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordNumericAnswers;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * Teacher marks ({@code POST /exams/{id}/marks}, JSON and CSV): good rows stored, bad rows reported
 * one by one; a job gives a marked submission the teacher's score (HUMAN) without grading it, under
 * the question version the mark was made under only.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TeacherMarksTest {

    @Test
    void aJobTakesTheTeachersMarkInsteadOfGrading() {
        String examId = createExam("teacher marks");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(4)).statusCode(200);
        // s00000 writes the full answer (10 by the rubric); the teacher gives 7.5
        postCsv(examId, "student_id,question_number,score,marker_id\ns00000,1,7.5,teacher-li\n")
                .statusCode(200).body("accepted", equalTo(1)).body("rejected", hasSize(0));
        postJson(examId, List.of(Map.of("studentId", "s00001", "questionNumber", 1, "score", 2, "markerId", "teacher-li",
                "comment", "keyword only, no value", "points", List.of(Map.of("id", "kw", "awarded", 2)))))
                .statusCode(200).body("accepted", equalTo(1));

        String jobId = gradeToCompletion(examId);
        job(jobId).body("graded", equalTo(4)).body("pendingReview", equalTo(0));
        results(jobId, "s00000").body("score", decimal("7.5")).body("reviewStatus", equalTo("HUMAN"))
                .body("proposedScore", nullValue()).body("graderId", nullValue())
                .body("markers.markerId", contains("teacher-li")).body("markers[0].kind", equalTo("human"));
        results(jobId, "s00001").body("score", decimal("2")).body("reviewStatus", equalTo("HUMAN"));
        // the others are graded by the rule-based grader as before
        results(jobId, "s00002").body("score", decimal("10")).body("reviewStatus", equalTo("AUTO_ACCEPTED"));

        // a later mark for the same answer is the final one for the next job; both are kept
        postCsv(examId, "student_id,question_number,score,marker_id\ns00000,1,8,teacher-wang\n").statusCode(200);
        String second = gradeToCompletion(examId);
        results(second, "s00000").body("score", decimal("8"))
                .body("markers.markerId", contains("teacher-li", "teacher-wang"));
    }

    @Test
    void aMarkBelongsToTheQuestionVersionItWasMadeUnder() {
        String examId = createExam("teacher marks and versions");
        String questionId = addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(2)).statusCode(200);
        postCsv(examId, "student_id,question_number,score,marker_id\ns00000,1,3,teacher-li\n").statusCode(200);
        // a new rubric version: the old mark does not apply to it
        given().contentType(ContentType.JSON)
                .body(Map.of("points", List.of(Map.of("id", "kw", "description", "names it", "points", 10,
                        "match", Map.of("anyOf", List.of("photosynthesis", "光合作用"))))))
                .when().put("/api/v1/questions/" + questionId + "/rubric").then().statusCode(200);
        String jobId = gradeToCompletion(examId);
        results(jobId, "s00000").body("score", decimal("10")).body("reviewStatus", equalTo("AUTO_ACCEPTED"));
    }

    @Test
    void badRowsAreReportedOneByOneAndGoodOnesStored() {
        String examId = createExam("teacher marks, bad rows");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(2)).statusCode(200);
        postCsv(examId, """
                student_id,question_number,score,marker_id
                s00000,1,11,teacher-li
                s00000,1,2.25,teacher-li
                s00000,9,2,teacher-li
                nobody,1,2,teacher-li
                s00000,1,two,teacher-li
                s00000,1,2,
                s00000,1,4,teacher-li
                s00000,1,5,teacher-li
                s00001,x,1,teacher-li
                """).statusCode(200)
                .body("accepted", equalTo(1))
                .body("rejected.row", contains(1, 2, 3, 4, 5, 6, 8, 9))
                .body("rejected.code", contains("VALIDATION_ERROR", "VALIDATION_ERROR", "VALIDATION_ERROR",
                        "RECORD_NOT_FOUND", "VALIDATION_ERROR", "VALIDATION_ERROR", "DUPLICATE_RECORD",
                        "VALIDATION_ERROR"))
                .body("rejected[0].message", equalTo("score must be between 0 and 10"))
                .body("rejected[1].message", equalTo("score must be a multiple of 0.5"))
                .body("rejected[2].message", equalTo("question 9 does not exist in this exam"))
                .body("rejected[3].message", equalTo("student nobody has no answer to question 1 in this exam"));
        postJson(examId, """
                [{"studentId": "s00001", "questionNumber": 1, "score": "high", "markerId": "m"},
                 {"studentId": "s00001", "questionNumber": 1, "score": 1, "markerId": "m", "points": "all"},
                 {"studentId": "s00001", "questionNumber": 1, "score": 1e-999999999, "markerId": "m"},
                 {"studentId": "s00001", "questionNumber": 1, "score": 1, "markerId": "m",
                  "points": [{"id": "kw\\u0000", "awarded": 1}]}]""")
                .statusCode(200).body("accepted", equalTo(0))
                .body("rejected.message", contains("score must be a number", "points must be an array of {id, awarded}",
                        "score must be a multiple of 0.5", "points must not contain the NUL character"));
        // the one good row is what the job uses
        String jobId = gradeToCompletion(examId);
        results(jobId, "s00000").body("score", decimal("4")).body("reviewStatus", equalTo("HUMAN"));
    }

    @Test
    void anUploadThatIsNotMarksOrForNoExamIsRefused() {
        String examId = createExam("teacher marks, refused");
        expectProblem(postCsv(examId, "student_id,question_number,answer\ns1,1,x\n"), 400, "VALIDATION_ERROR");
        expectProblem(postJson(examId, Map.of("studentId", "s1")), 400, "VALIDATION_ERROR");
        expectProblem(postCsv("00000000-0000-0000-0000-000000000000",
                "student_id,question_number,score,marker_id\n"), 404, "RECORD_NOT_FOUND");
    }

    private static ValidatableResponse postCsv(String examId, String csv) {
        return given().contentType("text/csv").body(csv).when().post("/api/v1/exams/" + examId + "/marks").then();
    }

    private static ValidatableResponse postJson(String examId, Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/exams/" + examId + "/marks").then();
    }

    /** The one result of {@code studentId} in the job, as a JSON object at the root. */
    private static ValidatableResponse results(String jobId, String studentId) {
        return given().queryParam("filter[studentId]", studentId).when()
                .get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .rootPath("items[0]");
    }
}
