package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.GradingTestData;
import io.zhiyue.grading.TaskRows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Jobs keep their state on their own rows: two jobs on one exam, at once and after a rubric
 * change, each grade every submission once with their own frozen rubric. A job whose every
 * submission fails ends FAILED. A finished job's timings are computed once and kept.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class JobLifecycleTest {

    private static final int STUDENTS = 300;

    @Inject
    Pool pool;
    @Inject
    MeterRegistry registry;

    @Test
    void twoJobsOnOneExamNeverInterfereAtOnceOrAfterARubricChange() {
        String examId = GradingTestData.createExam("two jobs, one exam");
        String questionId = GradingTestData.addKeywordNumericQuestion(examId, 1);
        GradingTestData.uploadCsv(examId, GradingTestData.keywordNumericAnswers(STUDENTS)).statusCode(200);
        String first = GradingTestData.createJob(examId);
        String second = GradingTestData.createJob(examId);
        double failuresBefore = deliveryFailures();

        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> GradingTestData.control(first, "start").statusCode(200)),
                CompletableFuture.runAsync(() -> GradingTestData.control(second, "start").statusCode(200))).join();
        GradingTestData.awaitState(first, "COMPLETED");
        GradingTestData.awaitState(second, "COMPLETED");

        for (String job : List.of(first, second)) {
            GradingTestData.job(job).body("total", equalTo(STUDENTS)).body("graded", equalTo(STUDENTS))
                    .body("failed", equalTo(0));
            assertThat(TaskRows.totalScore(pool, UUID.fromString(job))).as("job %s: 150 × 10 + 150 × 4", job).isEqualTo(2_100);
            assertThat(TaskRows.resultCount(pool, UUID.fromString(job))).isEqualTo(STUDENTS);
        }
        // the jobs write disjoint rows: no lock conflict, no deadlock, so no batch had to be retried
        assertThat(deliveryFailures()).as("task deliveries that failed").isEqualTo(failuresBefore);

        // a new rubric version: only the keyword counts now, 5 points
        given().contentType(ContentType.JSON).body(GradingTestData.keywordRubric("kw", 5, "photosynthesis", "光合作用"))
                .when().put("/api/v1/questions/" + questionId + "/rubric").then().statusCode(200);
        String third = GradingTestData.gradeToCompletion(examId);

        assertThat(TaskRows.totalScore(pool, UUID.fromString(third))).as("graded with the new rubric").isEqualTo(STUDENTS * 5);
        assertThat(TaskRows.totalScore(pool, UUID.fromString(first))).as("the first job keeps its scores").isEqualTo(2_100);
        assertThat(TaskRows.totalScore(pool, UUID.fromString(second))).as("the second job keeps its scores").isEqualTo(2_100);
    }

    @Test
    void aJobWhoseEverySubmissionFailsEndsFailed() {
        String examId = GradingTestData.createExam("every answer fails");
        GradingTestData.addQuestion(examId, 1, 10, Map.of("points", List.of(Map.of("id", "evil",
                "description", "backtracks catastrophically", "points", 1, "match", Map.of("regex", "((a+)+)+$")))));
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < 20; i++) {
            csv.append("f").append(i).append(",1,").append("a".repeat(30)).append("!\n");
        }
        GradingTestData.uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(20));
        String jobId = GradingTestData.createJob(examId);
        GradingTestData.control(jobId, "start").statusCode(200);

        GradingTestData.awaitState(jobId, "FAILED");
        GradingTestData.job(jobId).body("total", equalTo(20)).body("graded", equalTo(0)).body("failed", equalTo(20))
                .body("percent", GradingTestData.decimal("100.0"))
                .body("stages.completed.ready", equalTo(true));
        // a final state: nothing moves it any more
        GradingTestData.control(jobId, "cancel").statusCode(409).body("code", equalTo("ILLEGAL_STATE"));
    }

    @Test
    void aFinishedJobsTimingsAreComputedOnceAndKept() {
        String examId = GradingTestData.createExam("timings");
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        GradingTestData.uploadCsv(examId, GradingTestData.keywordNumericAnswers(120)).statusCode(200);
        String jobId = GradingTestData.gradeToCompletion(examId);

        GradingTestData.job(jobId).body("timings.totalMs", notNullValue())
                .body("timings.publishToCommitP50Ms", notNullValue())
                .body("timings.publishToCommitP99Ms", notNullValue());
        var stored = pool.preparedQuery("SELECT publish_commit_p50_ms, publish_commit_p99_ms FROM grading_jobs "
                + "WHERE id = $1").execute(Tuple.of(UUID.fromString(jobId))).await().atMost(Duration.ofSeconds(5))
                .iterator().next();
        assertThat(stored.getBigDecimal(0)).as("stored with the job at completion").isNotNull();
        assertThat(stored.getBigDecimal(1)).isNotNull();
    }

    private double deliveryFailures() {
        return registry.find("zhiyue.stream.consumer.failed").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
