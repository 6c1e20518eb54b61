package io.zhiyue.grading.service;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.rest.StalledWorkersProfile;
import io.zhiyue.shared.event.GradingTaskBatch;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.createJob;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * A batch given up on (delivered too often, dead-lettered) ends its tasks without grading them:
 * in rule mode they fail, in ai mode they go to people like answers no grader could propose for.
 * No workers run, so the batch is only ever ended this way.
 */
@QuarkusTest
@TestProfile(StalledWorkersProfile.class)
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class AbandonedBatchTest {

    private static final int STUDENTS = 3;

    @Inject
    BatchGradingService grading;

    @Test
    void ruleModeTasksFailAndAiModeTasksGoToPeopleOnce() {
        String examId = createExam("abandoned batch");
        postQuestion(null, examId, question(1, 4, keywordRubric("kw", 4, "oxygen"))).statusCode(201);
        Map<String, Object> ai = new HashMap<>(question(2, 4, keywordRubric("kw", 4, "oxygen")));
        ai.put("marking", Map.of("mode", "ai"));
        postQuestion(null, examId, ai).statusCode(201);
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int s = 0; s < STUDENTS; s++) {
            csv.append("a-").append(s).append(",1,oxygen\n").append("a-").append(s).append(",2,oxygen\n");
        }
        uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(2 * STUDENTS));
        String jobId = createJob(examId);
        control(jobId, "start").statusCode(200).body("state", equalTo("EXECUTING"));

        GradingTaskBatch batch = new GradingTaskBatch(UUID.fromString(jobId), 0, 2 * STUDENTS);
        grading.abandon(batch, null).await().atMost(Duration.ofSeconds(10));
        // given up on twice (a dead letter redelivered): nothing is counted again
        grading.abandon(batch, null).await().atMost(Duration.ofSeconds(10));

        job(jobId).body("state", equalTo("COMPLETED"))
                .body("failed", equalTo(STUDENTS))
                .body("pendingReview", equalTo(STUDENTS))
                .body("graded", equalTo(0));
        given().queryParam("filter[questionNumber]", 2).when().get("/api/v1/exams/" + examId + "/review-items")
                .then().statusCode(200).body("items", hasSize(STUDENTS))
                .body("items.proposal", everyItem(nullValue()))
                .body("items.answer", everyItem(equalTo("oxygen")));
        given().queryParam("filter[questionNumber]", 1).when().get("/api/v1/exams/" + examId + "/review-items")
                .then().statusCode(200).body("items", hasSize(0));
        given().queryParam("filter[reviewStatus]", "NEEDS_REVIEW").when()
                .get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("total", equalTo(STUDENTS)).body("items.score", everyItem(nullValue()));
    }
}
