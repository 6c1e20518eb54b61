package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.service.JobGauges;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.keywordNumericAnswers;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

/** What operators rely on: probes, Prometheus metrics and the OpenAPI document. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class OperationsEndpointsTest {

    @Inject
    JobGauges jobGauges;

    @Test
    void readinessIsUpAndChecksPostgresqlAndRedis() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.name", hasItem(containsString("Redis")))
                .body("checks.status", everyItem(equalTo("UP")));
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsCountGradedSubmissions() {
        String examId = createExam("metrics");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(7)).statusCode(200).body("accepted", equalTo(7));
        gradeToCompletion(examId);

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("zhiyue_grading_submissions");
        Matcher graded = Pattern.compile("(?m)^zhiyue_grading_submissions_total\\{[^}]*outcome=\"graded\"[^}]*} ([0-9.eE+]+)$")
                .matcher(metrics);
        assertThat(graded.find()).as("a graded counter in\n%s", metrics).isTrue();
        assertThat(Double.parseDouble(graded.group(1))).isGreaterThanOrEqualTo(7);
        // latency buckets per route, for p50/p99 across replicas
        String examsBucket = "(?m)^http_server_requests_seconds_bucket\\{[^}]*uri=\"/api/v1/exams\"[^}]*le=";
        assertThat(metrics).containsPattern(examsBucket + "\"0.005\"}").containsPattern(examsBucket + "\"30.0\"}");
    }

    @Test
    void metricsCountJobsByStateAndTheReviewQueue() {
        String examId = createExam("metrics by state");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(3)).statusCode(200);
        gradeToCompletion(examId);

        jobGauges.refresh().await().atMost(Duration.ofSeconds(10));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher completed = Pattern.compile("(?m)^zhiyue_grading_jobs\\{state=\"COMPLETED\"} ([0-9.eE+]+)$")
                .matcher(metrics);
        assertThat(completed.find()).as("a COMPLETED jobs gauge in\n%s", metrics).isTrue();
        assertThat(Double.parseDouble(completed.group(1))).isGreaterThanOrEqualTo(1);
        assertThat(metrics).containsPattern("(?m)^zhiyue_grading_jobs\\{state=\"PAUSED\"} ")
                .containsPattern("(?m)^zhiyue_grading_review_pending ");
    }

    @Test
    void openApiDocumentDescribesTheApi() {
        given().when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/exams"))
                .body(containsString("/api/v1/grading-jobs/{jobId}/results"));
    }
}
