package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.GradingTestData;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class GradingFlowTest {

    @Test
    void gradesAnUploadedExamEndToEnd() {
        String examId = GradingTestData.createExam("flow");
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        String csv = """
                student_id,question_number,answer
                s1,1,"Photosynthesis, and pi is 3.14"
                s2,1,光合作用
                s3,1,no idea
                """;
        given().contentType("text/csv; charset=UTF-8").body(csv)
                .when().post("/api/v1/exams/" + examId + "/submissions")
                .then().statusCode(200).body("accepted", equalTo(3)).body("rejected", hasSize(0));

        String jobId = given().when().post("/api/v1/exams/" + examId + "/grading-jobs")
                .then().statusCode(201).body("state", equalTo("CREATED")).extract().path("id");
        given().when().post("/api/v1/grading-jobs/" + jobId + "/start").then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/v1/grading-jobs/" + jobId)
                .then().statusCode(200).body("state", equalTo("COMPLETED")).body("graded", equalTo(3)));

        given().queryParam("sort_by", "studentId").when().get("/api/v1/grading-jobs/" + jobId + "/results")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("total", equalTo(3))
                .body("items.studentId", org.hamcrest.Matchers.contains("s1", "s2", "s3"))
                .body("items[0].score", equalTo(10.0f))
                .body("items[1].score", equalTo(4.0f))
                .body("items[2].score", equalTo(0.0f));
    }
}
