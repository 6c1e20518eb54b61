package io.zhiyue.grading.rest;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * The AI quality monitor: the audit sample of AUTO_ACCEPTED answers is marked blind, those marks
 * are the figures (an audit mark that differs overrides the AI's score), and when adjacent agreement
 * falls under 90 % over 30 checks auto-accept stops with a SYSTEM_STATUS alert until a teacher turns
 * it back on.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class QualityMonitorTest {

    private static final int ANSWERS = 32;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void blindAuditMarksAreTheFiguresAndPoorAgreementStopsAutoAccept() {
        String examId = createExam("quality monitor");
        Map<String, Object> body = new HashMap<>(question(1, 4, keywordRubric("kw", 4, "oxygen")));
        // every auto-accepted answer is audited, so the test needs few answers
        body.put("marking", Map.of("mode", "ai", "autoAccept", Map.of("minConfidence", 0.5, "auditRate", 1)));
        String questionId = postQuestion(null, examId, body).statusCode(201).extract().path("id");
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < ANSWERS; i++) {
            csv.append("a-").append(i).append(",1,oxygen\n");
        }
        uploadCsv(examId, csv.toString()).statusCode(200);
        String jobId = gradeToCompletion(examId);
        job(jobId).body("graded", equalTo(ANSWERS)).body("pendingReview", equalTo(0));
        quality(examId).body("questions[0].checked", equalTo(0)).body("questions[0].autoAcceptRate", decimal("1"))
                .body("questions[0].kappa", nullValue());

        // the audit items are blind: no proposal until marked
        List<String> items = given().queryParam("page_size", 100).when().get("/api/v1/exams/" + examId + "/review-items")
                .then().statusCode(200).body("items", hasSize(ANSWERS)).body("items.audit", everyItem(is(true)))
                .body("items.proposal", everyItem(nullValue())).extract().path("items.id");
        // one person agrees with the AI: the result stays AUTO_ACCEPTED
        mark(items.get(0), 4).statusCode(200).body("state", equalTo("RESOLVED")).body("proposal.score", decimal("4"));
        // the others disagree: each overrides the AI's score
        for (int i = 1; i < 30; i++) {
            mark(items.get(i), 0).statusCode(200);
        }
        // the operators' figures: the same checks, counted by agreement for the question
        assertThat(checks(questionId, "adjacent")).isEqualTo(1);
        assertThat(checks(questionId, "apart")).isEqualTo(29);
        quality(examId).body("questions[0].checked", equalTo(30)).body("questions[0].alert", is(true))
                .body("questions[0].autoAcceptEnabled", is(false))
                .body("questions[0].exactAgreement", near(1.0 / 30))
                .body("questions[0].adjacentAgreement", near(1.0 / 30))
                .body("questions[0].overrideRate", near(29.0 / 30))
                .body("questions[0].bias", near(4.0 * 29 / 30));
        given().queryParam("filter[reviewStatus]", "HUMAN").when().get("/api/v1/grading-jobs/" + jobId + "/results")
                .then().statusCode(200).body("total", equalTo(29)).body("items.score", everyItem(decimal("0")));
        job(jobId).body("graded", equalTo(ANSWERS));
        List<String> alerts = pool.preparedQuery("SELECT payload FROM outbox WHERE type = 'SYSTEM_STATUS' "
                        + "AND payload LIKE '%' || $1 || '%'").execute(Tuple.of(questionId))
                .await().atMost(Duration.ofSeconds(5)).stream().map(row -> row.getString(0)).toList();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0)).contains("AI_QUALITY_ALERT").contains("\"checked\":30").contains(examId);
        // a marking setting the service changed itself: in the audit log, by "system"
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given()
                .queryParam("filter[subjectId]", questionId).queryParam("filter[action]", "marking.auto-accept.stopped")
                .when().get("/api/v1/audit-log").then().statusCode(200)
                .body("items.actor", org.hamcrest.Matchers.contains("system"))
                .body("items[0].after.blindChecks", equalTo(30)));

        // a teacher turns it back on: a new window, no alert until 30 more checks say so
        given().contentType(ContentType.JSON).body(Map.of("enabled", true))
                .when().put("/api/v1/questions/" + questionId + "/marking/auto-accept").then().statusCode(200);
        mark(items.get(30), 0).statusCode(200);
        quality(examId).body("questions[0].checked", equalTo(31)).body("questions[0].checkedSinceAutoAcceptOn", equalTo(1))
                .body("questions[0].alert", is(false)).body("questions[0].autoAcceptEnabled", is(true));
        expectProblem(given().when().get("/api/v1/exams/00000000-0000-0000-0000-000000000000/quality").then(),
                404, "RECORD_NOT_FOUND");
    }

    /** A JSON number within a millionth of {@code expected} (rest-assured reads JSON numbers as floats). */
    private static Matcher<Object> near(double expected) {
        return new TypeSafeMatcher<>(Object.class) {
            @Override
            protected boolean matchesSafely(Object actual) {
                return actual instanceof Number number && Math.abs(number.doubleValue() - expected) < 1e-6;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a number near " + expected);
            }
        };
    }

    private double checks(String questionId, String agreement) {
        return registry.get("zhiyue.grading.quality.checks").tag("question", questionId).tag("agreement", agreement)
                .counter().count();
    }

    private static ValidatableResponse quality(String examId) {
        return given().when().get("/api/v1/exams/" + examId + "/quality").then().statusCode(200);
    }

    private static ValidatableResponse mark(String itemId, double score) {
        return given().contentType(ContentType.JSON).body(Map.of("score", score, "markerId", "auditor"))
                .when().post("/api/v1/review-items/" + itemId + "/marks").then();
    }
}
