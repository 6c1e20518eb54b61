package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.zhiyue.grading.GradingTestData.as;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.keywordNumericAnswers;
import static io.zhiyue.grading.GradingTestData.keywordNumericRubric;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/** Whatever one school creates, another school can neither see nor touch. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TenancyTest {

    private static final String SCHOOL_A = "school-a";
    private static final String SCHOOL_B = "school-b";

    @Test
    void anotherSchoolSeesNoneOfItAndChangesNothing() {
        String title = "tenant exam " + UUID.randomUUID();
        String examId = createExam(SCHOOL_A, title, "math");
        String questionId = postQuestion(SCHOOL_A, examId, question(1, 10, keywordNumericRubric()))
                .statusCode(201).extract().path("id");
        uploadCsv(SCHOOL_A, examId, keywordNumericAnswers(6)).statusCode(200).body("accepted", equalTo(6));
        String jobId = as(SCHOOL_A).when().post("/api/v1/exams/" + examId + "/grading-jobs")
                .then().statusCode(201).extract().path("id");
        as(SCHOOL_A).when().post("/api/v1/grading-jobs/" + jobId + "/start").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> as(SCHOOL_A).when().get("/api/v1/grading-jobs/" + jobId)
                .then().statusCode(200).body("state", equalTo("COMPLETED")));

        for (String other : new String[] {SCHOOL_B, null}) {
            expectProblem(as(other).when().get("/api/v1/exams/" + examId).then(), 404, "RECORD_NOT_FOUND");
            as(other).queryParam("filter[title]", title).when().get("/api/v1/exams").then().statusCode(200)
                    .body("total", equalTo(0));
            as(other).queryParam("page_size", 200).when().get("/api/v1/exams").then().statusCode(200)
                    .body("items.id", not(hasItem(examId)));
            expectProblem(as(other).when().get("/api/v1/exams/" + examId + "/questions").then(), 404, "RECORD_NOT_FOUND");
            expectProblem(as(other).when().get("/api/v1/exams/" + examId + "/submissions").then(), 404, "RECORD_NOT_FOUND");
            expectProblem(postQuestion(other, examId, question(2, 5, keywordRubric("x", 5, "x"))), 404, "RECORD_NOT_FOUND");
            expectProblem(uploadCsv(other, examId, "student_id,question_number,answer\nintruder,1,x\n"), 404,
                    "RECORD_NOT_FOUND");
            expectProblem(as(other).contentType(ContentType.JSON).body(keywordRubric("x", 5, "x"))
                    .when().put("/api/v1/questions/" + questionId + "/rubric").then(), 404, "RECORD_NOT_FOUND");
            expectProblem(as(other).when().post("/api/v1/exams/" + examId + "/grading-jobs").then(), 404, "RECORD_NOT_FOUND");
            for (String suffix : List.of("", "/results", "/export", "/statistics")) {
                expectProblem(as(other).when().get("/api/v1/grading-jobs/" + jobId + suffix).then(), 404, "RECORD_NOT_FOUND");
            }
            for (String action : List.of("start", "pause", "resume", "cancel")) {
                expectProblem(as(other).when().post("/api/v1/grading-jobs/" + jobId + "/" + action).then(),
                        404, "RECORD_NOT_FOUND");
            }
        }

        // school A still sees everything exactly as it left it
        as(SCHOOL_A).when().get("/api/v1/exams/" + examId).then().statusCode(200).body("title", equalTo(title));
        as(SCHOOL_A).queryParam("filter[title]", title).when().get("/api/v1/exams").then().statusCode(200)
                .body("total", equalTo(1));
        as(SCHOOL_A).when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200)
                .body("items[0].rubricVersion", equalTo(1)).body("items", hasSize(1));
        as(SCHOOL_A).when().get("/api/v1/exams/" + examId + "/submissions").then().statusCode(200)
                .body("total", equalTo(6)).body("items.studentId", not(hasItem("intruder")));
        as(SCHOOL_A).when().get("/api/v1/grading-jobs/" + jobId).then().statusCode(200)
                .body("state", equalTo("COMPLETED")).body("graded", equalTo(6));
        as(SCHOOL_A).when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("total", equalTo(6));
    }

    @Test
    void sameStudentAndQuestionInTwoSchoolsAreIndependent() {
        String examA = createExam(SCHOOL_A, "independent A", "math");
        String examB = createExam(SCHOOL_B, "independent B", "math");
        postQuestion(SCHOOL_A, examA, question(1, 10, keywordNumericRubric())).statusCode(201);
        postQuestion(SCHOOL_B, examB, question(1, 10, keywordNumericRubric())).statusCode(201);
        uploadCsv(SCHOOL_A, examA, "student_id,question_number,answer\ns1,1,answer in A\n").statusCode(200)
                .body("accepted", equalTo(1));
        uploadCsv(SCHOOL_B, examB, "student_id,question_number,answer\ns1,1,answer in B\n").statusCode(200)
                .body("accepted", equalTo(1));
        as(SCHOOL_A).when().get("/api/v1/exams/" + examA + "/submissions").then().statusCode(200)
                .body("items[0].answer", equalTo("answer in A"));
        as(SCHOOL_B).when().get("/api/v1/exams/" + examB + "/submissions").then().statusCode(200)
                .body("items[0].answer", equalTo("answer in B"));
        expectProblem(as(SCHOOL_B).when().get("/api/v1/exams/" + examA + "/submissions").then(), 404, "RECORD_NOT_FOUND");
    }
}
