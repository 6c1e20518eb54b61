package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.devstack.DevstackTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.createJob;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordNumericAnswers;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.GradingJobResourceTest.expectIllegal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/** Pause, resume and cancel with no workers running, so each control meets a known state. */
@QuarkusTest
@TestProfile(StalledWorkersProfile.class)
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class JobControlTest {

    private static final int STUDENTS = 250;

    private final List<String> jobs = new ArrayList<>();

    @Inject
    Pool pool;

    /** Leaves no job that a later application with workers would pick up. */
    @AfterEach
    void cancelLeftovers() {
        for (String jobId : jobs) {
            given().when().post("/api/v1/grading-jobs/" + jobId + "/cancel");
        }
    }

    @Test
    void startedJobWaitsInExecutingWithItsTasksSplit() {
        String jobId = startedJob("executing");
        job(jobId).body("state", equalTo("EXECUTING"))
                .body("total", equalTo(STUDENTS)).body("graded", equalTo(0)).body("percent", decimal("0"))
                .body("stages.analyzed.ready", is(true))
                .body("stages.split.ready", is(true))
                .body("stages.executing.ready", is(true))
                .body("stages.completed.ready", is(false));
        expectIllegal(control(jobId, "start"), "EXECUTING");
        expectIllegal(control(jobId, "resume"), "EXECUTING");
        given().when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200).body("total", equalTo(0));
        given().when().get("/api/v1/grading-jobs/" + jobId + "/statistics").then().statusCode(200)
                .body("questions", hasSize(0));
    }

    @Test
    void everyWriteRaisesTheJobsVersionAnswersItAndItsEventCarriesIt() {
        String jobId = startedJob("versions");
        long started = job(jobId).extract().jsonPath().getLong("version");
        long paused = control(jobId, "pause").statusCode(200).extract().jsonPath().getLong("version");
        // a refused transition writes nothing
        expectIllegal(control(jobId, "pause"), "PAUSED");
        assertThat(job(jobId).extract().jsonPath().getLong("version")).isEqualTo(paused);
        long resumed = control(jobId, "resume").statusCode(200).extract().jsonPath().getLong("version");
        assertThat(started).isGreaterThan(1);
        assertThat(paused).isGreaterThan(started);
        assertThat(resumed).isGreaterThan(paused);
        assertThat(job(jobId).extract().jsonPath().getLong("version")).isEqualTo(resumed);
        String event = pool.preparedQuery("SELECT payload FROM outbox WHERE type = 'JOB_STATE_CHANGED' "
                        + "AND payload LIKE $1 AND payload LIKE '%\"to\":\"PAUSED\"%'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of("%" + jobId + "%")).await().indefinitely()
                .iterator().next().getString(0);
        assertThat(event).contains("\"version\":" + paused).contains("\"job\":{\"id\":\"" + jobId);
    }

    @Test
    void pauseThenResume() {
        String jobId = startedJob("pause resume");
        control(jobId, "pause").statusCode(200).body("state", equalTo("PAUSED"));
        job(jobId).body("state", equalTo("PAUSED")).body("stages.executing.ready", is(true));

        expectIllegal(control(jobId, "pause"), "PAUSED");
        expectIllegal(control(jobId, "start"), "PAUSED");
        job(jobId).body("state", equalTo("PAUSED"));

        control(jobId, "resume").statusCode(200).body("state", equalTo("EXECUTING"));
        job(jobId).body("state", equalTo("EXECUTING")).body("total", equalTo(STUDENTS));
        expectIllegal(control(jobId, "resume"), "EXECUTING");

        // and again: pause/resume can repeat
        control(jobId, "pause").statusCode(200).body("state", equalTo("PAUSED"));
        control(jobId, "resume").statusCode(200).body("state", equalTo("EXECUTING"));
    }

    @Test
    void cancelAnExecutingJobCancelsEveryPendingSubmission() {
        String jobId = startedJob("cancel executing");
        control(jobId, "cancel").statusCode(200).body("state", equalTo("CANCELLED"));
        job(jobId).body("state", equalTo("CANCELLED"))
                .body("total", equalTo(STUDENTS))
                .body("graded", equalTo(0))
                .body("failed", equalTo(0))
                .body("cancelled", equalTo(STUDENTS))
                .body("stages.completed.ready", is(false));
        given().when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200).body("total", equalTo(0));

        expectIllegal(control(jobId, "cancel"), "CANCELLED");
        expectIllegal(control(jobId, "pause"), "CANCELLED");
        expectIllegal(control(jobId, "resume"), "CANCELLED");
        expectIllegal(control(jobId, "start"), "CANCELLED");
    }

    @Test
    void cancelAPausedJob() {
        String jobId = startedJob("cancel paused");
        control(jobId, "pause").statusCode(200);
        control(jobId, "cancel").statusCode(200).body("state", equalTo("CANCELLED"));
        job(jobId).body("state", equalTo("CANCELLED")).body("cancelled", equalTo(STUDENTS));
        expectIllegal(control(jobId, "resume"), "CANCELLED");
    }

    @Test
    void exportOfAJobWithoutResultsIsTheHeaderOnly() {
        String jobId = startedJob("empty export");
        String csv = given().queryParam("format", "csv").when().get("/api/v1/grading-jobs/" + jobId + "/export")
                .then().statusCode(200).extract().asString();
        assertThat(csv.lines().toList())
                .containsExactly("student_id,question_number,score,max_score,confidence,grader_id,review_status");
    }

    private String startedJob(String title) {
        String examId = createExam(title);
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(STUDENTS)).statusCode(200).body("accepted", equalTo(STUDENTS));
        String jobId = createJob(examId);
        jobs.add(jobId);
        control(jobId, "start").statusCode(200).body("state", equalTo("EXECUTING"));
        return jobId;
    }
}
