package io.zhiyue.grading.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

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
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/**
 * Marking settings of a question ({@code referenceAnswer}, {@code marking}) and what a job makes of
 * them (DESIGN.md "Marking"): final scores where the settings allow, answers waiting for people
 * (score null, counted in pendingReview) everywhere else, and statistics and export on final
 * scores only.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class MarkingModeTest {

    private static final int STUDENTS = 6;

    @Inject
    MeterRegistry registry;

    @Test
    void aQuestionKeepsItsMarkingSettingsAndShowsTheDefaults() {
        String examId = createExam("marking settings");
        Map<String, Object> body = withoutRubric(1, 10);
        body.put("referenceAnswer", "Light energy becomes chemical energy.");
        body.put("marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 2)));
        postQuestion(null, examId, body).statusCode(201)
                .body("referenceAnswer", equalTo("Light energy becomes chemical energy."))
                .body("marking.mode", equalTo("ai"))
                .body("marking.autoAccept.enabled", is(true))
                .body("marking.autoAccept.minConfidence", decimal("0.9"))
                .body("marking.autoAccept.auditRate", decimal("0.05"))
                .body("marking.doubleMarking.enabled", is(true))
                .body("marking.doubleMarking.tolerance", decimal("2"))
                .body("rubric.points", empty());

        String ruleId = postQuestion(null, examId, question(2, 4, keywordRubric("kw", 4, "oxygen"))).statusCode(201)
                .body("marking.mode", equalTo("rule"))
                .body("marking.doubleMarking.enabled", is(false))
                .body("referenceAnswer", nullValue())
                .extract().path("id");
        setAutoAccept(ruleId, Map.of("enabled", false)).statusCode(200).body("marking.autoAccept.enabled", is(false));
        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200)
                .body("items.find { it.number == 2 }.marking.autoAccept.enabled", is(false));
    }

    static Stream<Arguments> badMarking() {
        Map<String, Object> rubric = keywordRubric("kw", 4, "oxygen");
        return Stream.of(
                Arguments.of("an unknown mode", Map.of("mode", "robot"), rubric, "marking.mode"),
                Arguments.of("a confidence above 1", Map.of("mode", "ai", "autoAccept", Map.of("minConfidence", 1.5)),
                        rubric, "marking.autoAccept.minConfidence"),
                Arguments.of("a negative audit rate", Map.of("mode", "ai", "autoAccept", Map.of("auditRate", -0.1)),
                        rubric, "marking.autoAccept.auditRate"),
                Arguments.of("double marking without tolerance",
                        Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true)), rubric,
                        "marking.doubleMarking.tolerance"),
                Arguments.of("a tolerance off the step",
                        Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 0.3)), rubric,
                        "marking.doubleMarking.tolerance"),
                Arguments.of("a tolerance with absurd digits", Map.of("mode", "ai", "doubleMarking",
                        Map.of("enabled", true, "tolerance", new BigDecimal("1E-999999999"))), rubric,
                        "marking.doubleMarking.tolerance"),
                Arguments.of("a tolerance above maxScore",
                        Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 11)), rubric,
                        "marking.doubleMarking.tolerance"),
                Arguments.of("double marking in rule mode", Map.of("doubleMarking", Map.of("enabled", true,
                        "tolerance", 1)), rubric, "marking.doubleMarking.enabled"),
                Arguments.of("rule mode without rubric points", Map.of("mode", "rule"), Map.of("points", List.of()),
                        "rubric.points"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("badMarking")
    void badMarkingSettingsAreRefusedAndNothingIsStored(String what, Map<String, Object> marking,
            Map<String, Object> rubric, String field) {
        String examId = createExam("bad marking");
        Map<String, Object> body = new HashMap<>(question(1, 10, rubric));
        body.put("marking", marking);
        expectValidation(postQuestion(null, examId, body), field);
        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200).body("items", empty());
    }

    @Test
    void switchingAutoAcceptNeedsAFlagAndAQuestion() {
        expectValidation(setAutoAccept(UUID.randomUUID().toString(), Map.of()), "enabled");
        expectProblem(setAutoAccept(UUID.randomUUID().toString(), Map.of("enabled", true)), 404, "RECORD_NOT_FOUND");
    }

    @Test
    void aJobGivesFinalScoresWhereTheSettingsAllowAndSendsTheRestToPeople() {
        String examId = createExam("ai marking");
        // 1: ai without points: nobody can propose, every answer goes to people
        Map<String, Object> noPoints = withoutRubric(1, 4);
        noPoints.put("marking", Map.of("mode", "ai"));
        postQuestion(null, examId, noPoints).statusCode(201);
        // 2: ai with points, any confidence accepted: final without a person
        Map<String, Object> accepted = new HashMap<>(question(2, 4, keywordRubric("kw", 4, "oxygen")));
        accepted.put("marking", Map.of("mode", "ai", "autoAccept", Map.of("minConfidence", 0)));
        postQuestion(null, examId, accepted).statusCode(201);
        // 3: ai with double marking: the proposal is only the first mark
        Map<String, Object> twice = new HashMap<>(question(3, 4, keywordRubric("kw", 4, "oxygen")));
        twice.put("marking", Map.of("mode", "ai", "autoAccept", Map.of("minConfidence", 0),
                "doubleMarking", Map.of("enabled", true, "tolerance", 1)));
        postQuestion(null, examId, twice).statusCode(201);
        // 4: rule mode: the grader's score is final
        postQuestion(null, examId, question(4, 4, keywordRubric("kw", 4, "oxygen"))).statusCode(201);
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int s = 0; s < STUDENTS; s++) {
            for (int q = 1; q <= 4; q++) {
                csv.append("m-").append(s).append(',').append(q).append(',')
                        .append(s % 2 == 0 ? "oxygen is released" : "no idea").append('\n');
            }
        }
        uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(4 * STUDENTS));
        double autoAcceptedBefore = autoAccepted();

        String jobId = gradeToCompletion(examId);
        // question 2's proposals, not question 4's rule-mode scores, count as accepted without a person
        assertThat(autoAccepted() - autoAcceptedBefore).isEqualTo(STUDENTS);
        job(jobId).body("total", equalTo(4 * STUDENTS))
                .body("graded", equalTo(2 * STUDENTS))
                .body("pendingReview", equalTo(2 * STUDENTS))
                .body("failed", equalTo(0))
                .body("percent", decimal("100"));

        results(jobId, 1).body("items", hasSize(STUDENTS))
                .body("items.reviewStatus", everyItem(equalTo("NEEDS_REVIEW")))
                .body("items.score", everyItem(nullValue()))
                .body("items.proposedScore", everyItem(nullValue()))
                .body("items.markers", everyItem(empty()));
        results(jobId, 2).body("items.reviewStatus", everyItem(equalTo("AUTO_ACCEPTED")))
                .body("items.find { it.studentId == 'm-0' }.score", decimal("4"))
                .body("items.find { it.studentId == 'm-1' }.score", decimal("0"))
                .body("items.find { it.studentId == 'm-0' }.markers[0].kind", equalTo("ai"));
        results(jobId, 3).body("items.reviewStatus", everyItem(equalTo("NEEDS_REVIEW")))
                .body("items.score", everyItem(nullValue()))
                .body("items.find { it.studentId == 'm-0' }.proposedScore", decimal("4"))
                .body("items.find { it.studentId == 'm-0' }.markers[0].score", decimal("4"));
        results(jobId, 4).body("items.reviewStatus", everyItem(equalTo("AUTO_ACCEPTED")));
        given().queryParam("filter[reviewStatus]", "NEEDS_REVIEW").when()
                .get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("total", equalTo(2 * STUDENTS));

        // answers without a final score (or proposal) sort first and are not lost by a keyset
        assertThat(allByCursor(jobId, "score")).hasSize(4 * STUDENTS).doesNotHaveDuplicates();
        assertThat(allByCursor(jobId, "proposedScore")).hasSize(4 * STUDENTS).doesNotHaveDuplicates();

        given().when().get("/api/v1/grading-jobs/" + jobId + "/statistics").then().statusCode(200)
                .body("questions.questionNumber", equalTo(List.of(2, 4)))
                .body("questions[0].count", equalTo(STUDENTS));
        String export = given().queryParam("format", "csv").when().get("/api/v1/grading-jobs/" + jobId + "/export")
                .then().statusCode(200).extract().asString();
        List<String> lines = export.lines().toList();
        assertThat(lines.get(0)).endsWith(",review_status");
        assertThat(lines).hasSize(1 + 2 * STUDENTS);
        assertThat(lines.subList(1, lines.size())).allMatch(line -> line.endsWith(",AUTO_ACCEPTED"))
                .noneMatch(line -> line.split(",")[1].equals("1") || line.split(",")[1].equals("3"));
    }

    /** AI proposals accepted without a person so far (the counter exists once the first batch was graded). */
    private double autoAccepted() {
        Counter counter = registry.find("zhiyue.grading.auto.accepted").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Every result's submission, page by page through the cursor, sorted by {@code sortBy}. */
    private static List<String> allByCursor(String jobId, String sortBy) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().queryParam("page_size", 5);
            request = cursor == null ? request.queryParam("sort_by", sortBy) : request.queryParam("cursor", cursor);
            var page = request.when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                    .extract();
            seen.addAll(page.path("items.submissionId"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        return seen;
    }

    private static Map<String, Object> withoutRubric(int number, int maxScore) {
        Map<String, Object> body = new HashMap<>(question(number, maxScore, Map.of()));
        body.remove("rubric");
        return body;
    }

    private static ValidatableResponse results(String jobId, int questionNumber) {
        return given().queryParam("filter[questionNumber]", questionNumber).queryParam("page_size", 100)
                .when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200);
    }

    private static ValidatableResponse setAutoAccept(String questionId, Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().put("/api/v1/questions/" + questionId + "/marking/auto-accept").then();
    }
}
