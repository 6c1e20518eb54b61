package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.addQuestion;
import static io.zhiyue.grading.GradingTestData.as;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.uniqueTenant;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Released results: a teacher releases an exam once (again: the same release); a student sees the final scores of
 * released exams only, from each exam's latest completed job, never an answer still under review.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ReleasedResultsTest {

    @Inject
    Pool pool;

    private String examId;
    private String student;
    private String classmate;

    /** Question 1: rule-based, "oxygen" is worth 4 of 4. Question 2: ai without points, so it waits for people. */
    @BeforeEach
    void aGradedExam() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        student = "rel-" + suffix;
        classmate = "mate-" + suffix;
        examId = createExam("released results " + suffix);
        addQuestion(examId, 1, 4, keywordRubric("kw", 4, "oxygen"));
        addAiQuestionWithoutPoints(examId, 2, 4);
        uploadCsv(examId, "student_id,question_number,answer\n"
                + student + ",1,oxygen\n" + student + ",2,free text\n" + classmate + ",1,nitrogen\n")
                .statusCode(200).body("accepted", equalTo(3));
    }

    @Test
    void releasingTwiceIsOneReleaseAndAnotherTenantsExamDoesNotExist() {
        expectProblem(release(uniqueTenant(), examId, "intruder"), 404, "RECORD_NOT_FOUND");
        expectProblem(release(null, UUID.randomUUID().toString(), "t1"), 404, "RECORD_NOT_FOUND");

        String releasedAt = release(null, examId, "t1").statusCode(200).body("examId", equalTo(examId))
                .body("releasedBy", equalTo("t1")).body("releasedAt", notNullValue()).extract().path("releasedAt");
        release(null, examId, "t2").statusCode(200).body("examId", equalTo(examId))
                .body("releasedAt", equalTo(releasedAt)).body("releasedBy", equalTo("t1"));
        // the other tenant still cannot release it, and it stays one row
        expectProblem(release(uniqueTenant(), examId, "intruder"), 404, "RECORD_NOT_FOUND");
        assertThat(strings("SELECT released_by FROM exam_releases WHERE exam_id = $1", UUID.fromString(examId)))
                .containsExactly("t1");
        // each student is told once, on their own channel
        List<String> notices = strings("SELECT payload FROM outbox WHERE type = 'USER_NOTIFICATION' AND key LIKE $1",
                "released:" + examId + ":%");
        assertThat(notices).hasSize(2);
        assertThat(notices).anySatisfy(payload -> assertThat(payload).contains("\"studentId\":\"" + student + "\"")
                .contains("RESULTS_RELEASED").contains(examId));
        assertThat(notices).anySatisfy(payload -> assertThat(payload).contains("\"studentId\":\"" + classmate + "\""));
    }

    @Test
    void aStudentSeesReleasedFinalScoresOnly() {
        String jobId = gradeToCompletion(examId);
        // graded but not released: nothing
        results(null, student).body("items", empty());

        release(null, examId, "t1").statusCode(200);
        // question 2 is under review: not shown, not even as a proposal
        results(null, student).body("items", hasSize(1))
                .body("items[0].examId", equalTo(examId))
                .body("items[0].examTitle", equalTo("released results " + student.substring(4)))
                .body("items[0].questionNumber", equalTo(1))
                .body("items[0].score", decimal("4"))
                .body("items[0].maxScore", decimal("4"))
                .body("items[0].releasedAt", notNullValue());
        results(null, classmate).body("items.score", contains(decimal("0")));
        // another tenant has no such exam, released or not
        results(uniqueTenant(), student).body("items", empty());

        // a person's mark makes question 2 final; a later override shows its current value
        String item = given().queryParam("filter[questionNumber]", 2).when()
                .get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200).extract().path("items[0].id");
        given().contentType(ContentType.JSON).body(Map.of("score", 3, "markerId", "t1"))
                .when().post("/api/v1/review-items/" + item + "/marks").then().statusCode(200);
        results(null, student).body("items.questionNumber", contains(1, 2))
                .body("items.score", contains(decimal("4"), decimal("3")));
        execute("UPDATE results SET final_score = 2.5 WHERE job_id = $1 AND student_id = $2 AND question_number = 2",
                UUID.fromString(jobId), student);
        results(null, student).body("items.score", contains(decimal("4"), decimal("2.5")));

        // a later job is the one that counts: where it has the answer under review, nothing shows — never the
        // older job's score (the later job reuses the mark, so the review state is set on its row here)
        String later = gradeToCompletion(examId);
        execute("UPDATE results SET final_score = NULL, final_source = NULL, review_status = 'NEEDS_REVIEW' "
                + "WHERE job_id = $1 AND student_id = $2 AND question_number = 2", UUID.fromString(later), student);
        results(null, student).body("items.questionNumber", contains(1));
    }

    private static ValidatableResponse release(String tenant, String exam, String teacher) {
        return as(tenant).header(TenantHeaders.SUBJECT, teacher).header(TenantHeaders.ROLES, "teacher")
                .when().post("/api/v1/exams/" + exam + "/release").then();
    }

    private static ValidatableResponse results(String tenant, String studentId) {
        return as(tenant).when().get("/api/v1/students/" + studentId + "/results").then().statusCode(200);
    }

    private List<String> strings(String sql, Object argument) {
        return pool.preparedQuery(sql).execute(Tuple.of(argument)).await().atMost(Duration.ofSeconds(5)).stream()
                .map(row -> row.getString(0)).toList();
    }

    private void execute(String sql, Object... arguments) {
        pool.preparedQuery(sql).execute(Tuple.from(arguments)).await().atMost(Duration.ofSeconds(5));
    }
}
