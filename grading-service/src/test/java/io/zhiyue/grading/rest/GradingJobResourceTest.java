package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.JOB_TIMEOUT;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.awaitState;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.createJob;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordNumericAnswers;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class GradingJobResourceTest {

    @Test
    void newJobIsCreatedWithNoStageReady() {
        String examId = examWithAnswers("new job", 10);
        var created = given().when().post("/api/v1/exams/" + examId + "/grading-jobs")
                .then().statusCode(201)
                .body("id", notNullValue())
                .body("examId", equalTo(examId))
                .body("state", equalTo("CREATED"))
                .body("graded", equalTo(0))
                .body("failed", equalTo(0))
                .body("percent", decimal("0"))
                .body("createdAt", notNullValue())
                .body("startedAt", nullValue())
                .body("completedAt", nullValue())
                .body("stages.analyzed.ready", is(false))
                .body("stages.split.ready", is(false))
                .body("stages.executing.ready", is(false))
                .body("stages.completed.ready", is(false))
                .extract();
        String jobId = created.path("id");
        assertThat(created.header("Location")).endsWith("/api/v1/grading-jobs/" + jobId);

        job(jobId).body("id", equalTo(jobId)).body("state", equalTo("CREATED"))
                .body("stages.analyzed.ready", is(false)).body("stages.completed.ready", is(false));
    }

    @Test
    void anExamListsItsJobsNewestFirstAndNoOtherExamsJobs() {
        String examId = examWithAnswers("listed jobs", 3);
        String other = examWithAnswers("other exam", 3);
        given().when().get("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty()).body("total", equalTo(0));
        String first = createJob(examId);
        String otherJob = createJob(other);
        String second = createJob(examId);
        control(second, "start").statusCode(200);
        List<String> listed = given().when().get("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(200)
                .body("total", equalTo(2)).body("items[0].examId", equalTo(examId))
                .extract().jsonPath().getList("items.id");
        assertThat(listed).containsExactly(second, first).doesNotContain(otherJob);
        expectProblem(given().when().get("/api/v1/exams/" + UUID.randomUUID() + "/grading-jobs").then(),
                404, "RECORD_NOT_FOUND");
        expectProblem(given().queryParam("page", 2).when().get("/api/v1/exams/" + examId + "/grading-jobs").then(),
                400, "VALIDATION_ERROR");
    }

    @Test
    void jobOnUnknownExamIs404() {
        expectProblem(given().when().post("/api/v1/exams/" + UUID.randomUUID() + "/grading-jobs").then(),
                404, "RECORD_NOT_FOUND");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/start", "/pause", "/resume", "/cancel", "/results", "/export", "/statistics"})
    void unknownJobIs404(String suffix) {
        String path = "/api/v1/grading-jobs/" + UUID.randomUUID() + suffix;
        boolean post = List.of("/start", "/pause", "/resume", "/cancel").contains(suffix);
        expectProblem((post ? given().when().post(path) : given().when().get(path)).then(), 404, "RECORD_NOT_FOUND");
    }

    @Test
    void startedJobIsGradedToCompletionWithEveryStageReady() {
        String examId = examWithAnswers("complete", 120);
        String jobId = createJob(examId);

        // start answers once the split is committed: analysed and split are ready already
        control(jobId, "start").statusCode(200)
                .body("id", equalTo(jobId))
                .body("state", oneOf("EXECUTING", "COMPLETED"))
                .body("total", equalTo(120))
                .body("startedAt", notNullValue())
                .body("stages.analyzed.ready", is(true))
                .body("stages.split.ready", is(true))
                .body("stages.executing.ready", is(true));

        awaitState(jobId, "COMPLETED");
        var done = job(jobId)
                .body("total", equalTo(120))
                .body("graded", equalTo(120))
                .body("failed", equalTo(0))
                .body("percent", decimal("100"))
                .body("stages.analyzed.ready", is(true))
                .body("stages.split.ready", is(true))
                .body("stages.executing.ready", is(true))
                .body("stages.completed.ready", is(true))
                .body("timings", notNullValue())
                .body("timings.totalMs", greaterThanOrEqualTo(0))
                .extract();
        OffsetDateTime createdAt = OffsetDateTime.parse(done.path("createdAt"));
        OffsetDateTime startedAt = OffsetDateTime.parse(done.path("startedAt"));
        OffsetDateTime completedAt = OffsetDateTime.parse(done.path("completedAt"));
        assertThat(startedAt).isAfterOrEqualTo(createdAt);
        assertThat(completedAt).isAfterOrEqualTo(startedAt);

        given().queryParam("page_size", 1).when().get("/api/v1/grading-jobs/" + jobId + "/results")
                .then().statusCode(200).body("total", equalTo(120));
    }

    @Test
    void timingsAppearOnlyOnceCompleted() {
        String examId = examWithAnswers("timings", 4);
        String jobId = createJob(examId);
        job(jobId).body("timings", nullValue());
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");
        job(jobId).body("timings.totalMs", notNullValue()).body("timings.submissionsPerSecond", notNullValue());
    }

    @Test
    void illegalTransitionsOfACreatedJobAre409NamingCreated() {
        String jobId = createJob(examWithAnswers("created controls", 3));
        expectIllegal(control(jobId, "pause"), "CREATED");
        expectIllegal(control(jobId, "resume"), "CREATED");
        job(jobId).body("state", equalTo("CREATED")).body("stages.analyzed.ready", is(false));
    }

    @Test
    void illegalTransitionsOfACompletedJobAre409NamingCompletedAndChangeNothing() {
        String examId = examWithAnswers("completed controls", 6);
        String jobId = gradeToCompletion(examId);
        String completedAt = job(jobId).extract().path("completedAt");

        expectIllegal(control(jobId, "start"), "COMPLETED");
        expectIllegal(control(jobId, "pause"), "COMPLETED");
        expectIllegal(control(jobId, "resume"), "COMPLETED");
        expectIllegal(control(jobId, "cancel"), "COMPLETED");

        job(jobId).body("state", equalTo("COMPLETED")).body("graded", equalTo(6)).body("completedAt", equalTo(completedAt));
        given().when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200).body("total", equalTo(6));
    }

    @Test
    void startingTwiceIs409NamingTheStateItIsIn() {
        String jobId = createJob(examWithAnswers("start twice", 50));
        control(jobId, "start").statusCode(200);
        ExtractableResponse<Response> second = expectProblem(control(jobId, "start"), 409, "ILLEGAL_STATE").extract();
        assertThat(second.<String>path("detail")).containsAnyOf("EXECUTING", "COMPLETED", "PAUSED");
        awaitState(jobId, "COMPLETED");
        job(jobId).body("graded", equalTo(50)).body("total", equalTo(50));
    }

    @Test
    void cancellingACreatedJobCancelsIt() {
        String examId = examWithAnswers("cancel created", 5);
        String jobId = createJob(examId);
        control(jobId, "cancel").statusCode(200).body("state", equalTo("CANCELLED"));
        job(jobId).body("state", equalTo("CANCELLED")).body("graded", equalTo(0))
                .body("stages.analyzed.ready", is(false)).body("stages.completed.ready", is(false));

        expectIllegal(control(jobId, "start"), "CANCELLED");
        expectIllegal(control(jobId, "cancel"), "CANCELLED");
        expectIllegal(control(jobId, "resume"), "CANCELLED");
        expectIllegal(control(jobId, "pause"), "CANCELLED");
        job(jobId).body("state", equalTo("CANCELLED"));
        given().when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void startingAJobOfAnExamWithoutSubmissionsIs409AndTheJobStaysCreated() {
        String examId = createExam("no submissions");
        addKeywordNumericQuestion(examId, 1);
        String jobId = createJob(examId);

        expectProblem(control(jobId, "start"), 409, "ILLEGAL_STATE").body("detail", containsString("no submissions"));
        job(jobId).body("state", equalTo("CREATED")).body("startedAt", nullValue())
                .body("stages.analyzed.ready", is(false)).body("stages.split.ready", is(false));

        // still startable once answers arrive
        uploadCsv(examId, keywordNumericAnswers(4)).statusCode(200).body("accepted", equalTo(4));
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");
        job(jobId).body("graded", equalTo(4));
    }

    /**
     * Pausing races the workers on a real exam: either the pause wins (PAUSED, then resume runs it
     * to COMPLETED) or the job had already finished (409 naming COMPLETED). Either way every
     * submission ends with exactly one result.
     */
    @Test
    void pauseAndResumeALargeJob() {
        int students = 3000;
        String examId = examWithAnswers("pause large", students);
        String jobId = createJob(examId);
        control(jobId, "start").statusCode(200);

        var pause = control(jobId, "pause").extract();
        if (pause.statusCode() == 200) {
            assertThat(pause.<String>path("state")).isEqualTo("PAUSED");
            job(jobId).body("state", equalTo("PAUSED")).body("stages.completed.ready", is(false));
            expectIllegal(control(jobId, "pause"), "PAUSED");
            expectIllegal(control(jobId, "start"), "PAUSED");
            control(jobId, "resume").statusCode(200).body("state", oneOf("EXECUTING", "COMPLETED"));
        } else {
            assertThat(pause.statusCode()).isEqualTo(409);
            assertThat(pause.<String>path("code")).isEqualTo("ILLEGAL_STATE");
            assertThat(pause.<String>path("detail")).contains("COMPLETED");
        }
        awaitState(jobId, "COMPLETED");
        job(jobId).body("graded", equalTo(students)).body("failed", equalTo(0)).body("percent", decimal("100"));
        expectOneResultPerGradedSubmission(jobId, students);
    }

    /** Cancel races the workers too; whatever won, the counters add up and results match graded. */
    @Test
    void cancelALargeJob() {
        int students = 3000;
        String examId = examWithAnswers("cancel large", students);
        String jobId = createJob(examId);
        control(jobId, "start").statusCode(200);

        var cancel = control(jobId, "cancel").extract();
        String expectedState;
        if (cancel.statusCode() == 200) {
            assertThat(cancel.<String>path("state")).isEqualTo("CANCELLED");
            expectedState = "CANCELLED";
        } else {
            assertThat(cancel.statusCode()).isEqualTo(409);
            assertThat(cancel.<String>path("detail")).contains("COMPLETED");
            expectedState = "COMPLETED";
        }
        await().atMost(JOB_TIMEOUT).untilAsserted(() -> {
            var now = job(jobId).body("state", equalTo(expectedState)).extract();
            int graded = now.path("graded");
            int failed = now.path("failed");
            int cancelled = now.path("cancelled");
            assertThat(graded + failed + cancelled).isEqualTo(students);
            given().queryParam("page_size", 1).when().get("/api/v1/grading-jobs/" + jobId + "/results")
                    .then().statusCode(200).body("total", equalTo(graded));
        });
        expectIllegal(control(jobId, "resume"), expectedState);
        int graded = job(jobId).extract().path("graded");
        expectOneResultPerGradedSubmission(jobId, graded);
    }

    private static void expectOneResultPerGradedSubmission(String jobId, int graded) {
        Set<String> submissions = new HashSet<>();
        int pages = (graded + 199) / 200;
        for (int page = 1; page <= pages; page++) {
            List<String> ids = given().queryParam("page", page).queryParam("page_size", 200)
                    .queryParam("fields", "submissionId")
                    .when().get("/api/v1/grading-jobs/" + jobId + "/results")
                    .then().statusCode(200).body("total", equalTo(graded)).extract().path("items.submissionId");
            submissions.addAll(ids);
        }
        assertThat(submissions).as("distinct submissions with a result").hasSize(graded);
    }

    static void expectIllegal(ValidatableResponse response, String currentState) {
        expectProblem(response, 409, "ILLEGAL_STATE").body("detail", containsString(currentState));
    }

    private static String examWithAnswers(String title, int students) {
        String examId = createExam(title);
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, keywordNumericAnswers(students)).statusCode(200).body("accepted", equalTo(students));
        return examId;
    }
}
