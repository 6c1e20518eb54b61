package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.tenant.TenantHeaders;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.awaitState;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createJob;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * An answer replaced before it is marked: the new one is graded, the old one is kept as a prior
 * version with who replaced it and why, and once the answer is marked a correction is refused.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class AnswerCorrectionTest {

    private static final String FULL = "光合作用, pi ≈ 3.14";

    @Test
    void aCorrectedAnswerIsGradedAndTheOldOneKeptWhileAMarkedOneCannotBeReplaced() {
        String examId = createExam("corrections");
        String questionId = addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, "student_id,question_number,answer\nwrong-file,1,photosynthesis only\n"
                + "same-as-wrong,1,photosynthesis only\nother,1,\"" + FULL + "\"\n").statusCode(200);
        Map<String, String> submissions = submissionsByStudent(examId);
        String wrong = submissions.get("wrong-file");
        // neither a job not yet started nor answer groups that list the answer mark it
        String jobId = createJob(examId);
        given().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .body("items.find { it.representative == 'photosynthesis only' }.size", equalTo(2));

        replace(wrong, Map.of("answer", FULL, "reason", "the scan of another paper was uploaded"))
                .statusCode(200).body("version", equalTo(2)).body("answer", equalTo(FULL));
        // the same answer again: nothing changes, no new version
        replace(wrong, Map.of("answer", FULL)).statusCode(200).body("version", equalTo(2));
        JsonPath history = given().header(TenantHeaders.SUBJECT, "teacher-li")
                .get("/api/v1/submissions/" + wrong + "/versions").then().statusCode(200).extract().jsonPath();
        assertThat(history.getInt("version")).isEqualTo(2);
        assertThat(history.getList("priorVersions.version", Integer.class)).containsExactly(1);
        assertThat(history.getString("priorVersions[0].answer")).isEqualTo("photosynthesis only");
        assertThat(history.getString("priorVersions[0].replacedBy")).isEqualTo("teacher-li");
        assertThat(history.getString("priorVersions[0].reason")).isEqualTo("the scan of another paper was uploaded");

        // the corrected answer now groups with the answers it reads like
        given().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .body("items.find { it.representative == 'photosynthesis only' }", org.hamcrest.Matchers.nullValue())
                .body("items.find { it.representative == '" + FULL + "' }.size", equalTo(2));
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");
        given().queryParam("filter[studentId]", "wrong-file").get("/api/v1/grading-jobs/" + jobId + "/results")
                .then().statusCode(200).body("items[0].score", decimal("10"));

        // marked now: refused, and the answer stays as it was graded
        Problems.expectProblem(replace(wrong, Map.of("answer", "something else")), 409, "ILLEGAL_STATE");
        Problems.expectProblem(replace(submissions.get("other"), Map.of("answer", "x")), 409, "ILLEGAL_STATE");
        given().get("/api/v1/submissions/" + wrong + "/versions").then().statusCode(200).body("version", equalTo(2));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given()
                .queryParam("filter[subjectId]", wrong).get("/api/v1/audit-log").then().statusCode(200)
                .body("items.action", org.hamcrest.Matchers.contains("submission.answer-replaced"))
                .body("items[0].actor", equalTo("teacher-li"))
                .body("items[0].after.version", equalTo(2)));
    }

    @Test
    void badCorrectionsAreRefusedWithAClearProblem() {
        String examId = createExam("corrections refused");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, "student_id,question_number,answer\ns1,1,an answer\n").statusCode(200);
        String submission = submissionsByStudent(examId).get("s1");

        Problems.expectProblem(replace(submission, Map.of("reason", "no answer")), 400, "VALIDATION_ERROR");
        Problems.expectProblem(replace(submission, Map.of("answer", "a\u0000b")), 400, "VALIDATION_ERROR");
        Problems.expectProblem(replace(submission, Map.of("answer", "x".repeat(20_001))), 400, "VALIDATION_ERROR");
        Problems.expectProblem(replace(submission, Map.of("answer", "ok", "reason", "r".repeat(501))), 400,
                "VALIDATION_ERROR");
        Problems.expectProblem(replace("6a1f2d3e-0000-4000-8000-000000000000", Map.of("answer", "x")), 404,
                "RECORD_NOT_FOUND");
        Problems.expectProblem(given().header(TenantHeaders.TENANT, "another-school").contentType(ContentType.JSON)
                .body(Map.of("answer", "x")).put("/api/v1/submissions/" + submission + "/answer").then(), 404,
                "RECORD_NOT_FOUND");
        given().get("/api/v1/submissions/" + submission + "/versions").then().statusCode(200)
                .body("version", equalTo(1)).body("priorVersions.size()", equalTo(0));
    }

    private static ValidatableResponse replace(String submissionId, Map<String, Object> body) {
        return given().header(TenantHeaders.SUBJECT, "teacher-li").contentType(ContentType.JSON).body(body)
                .put("/api/v1/submissions/" + submissionId + "/answer").then();
    }

    private static Map<String, String> submissionsByStudent(String examId) {
        JsonPath page = given().get("/api/v1/exams/" + examId + "/submissions?page_size=200").then().statusCode(200)
                .extract().jsonPath();
        Map<String, String> byStudent = new HashMap<>();
        List<Map<String, Object>> items = page.getList("items");
        for (Map<String, Object> item : items) {
            byStudent.put((String) item.get("studentId"), (String) item.get("id"));
        }
        return byStudent;
    }
}
