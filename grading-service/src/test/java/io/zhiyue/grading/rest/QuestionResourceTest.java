package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addQuestion;
import static io.zhiyue.grading.GradingTestData.awaitState;
import static io.zhiyue.grading.GradingTestData.control;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.createJob;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.keywordNumericRubric;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class QuestionResourceTest {

    private static final String SHA256 = "[0-9a-f]{64}";

    @Test
    void createAnswersTheQuestionWithRubricVersionOneAndHashes() {
        String examId = createExam("questions");
        var created = postQuestion(null, examId, question(1, 10, keywordNumericRubric()))
                .statusCode(201).contentType(ContentType.JSON)
                .body("number", equalTo(1))
                .body("prompt", equalTo("Question 1"))
                .body("maxScore", decimal("10"))
                .body("scoreStep", decimal("0.5"))
                .body("rubricVersion", equalTo(1))
                .body("contentHash", matchesPattern(SHA256))
                .body("structureHash", matchesPattern(SHA256))
                .body("rubric.points.id", contains("kw", "pi"))
                .extract();
        String id = created.path("id");
        assertThat(created.header("Location")).endsWith("/api/v1/questions/" + id);
        assertThat(created.<String>path("contentHash")).isNotEqualTo(created.path("structureHash"));

        given().when().get("/api/v1/exams/" + examId + "/questions")
                .then().statusCode(200)
                .body("items", hasSize(1)).body("total", equalTo(1))
                .body("items[0].id", equalTo(id))
                .body("items[0].rubricVersion", equalTo(1))
                .body("items[0].contentHash", equalTo(created.path("contentHash")));
    }

    @Test
    void scoreStepDefaultsToHalfAPoint() {
        String examId = createExam("default step");
        postQuestion(null, examId, Map.of("number", 1, "prompt", "p", "maxScore", 5,
                "rubric", keywordRubric("k", 5, "yes")))
                .statusCode(201).body("scoreStep", decimal("0.5"));
    }

    @Test
    void questionsAreListedInNumberOrder() {
        String examId = createExam("order");
        addQuestion(examId, 3, 5, keywordRubric("a", 5, "a"));
        addQuestion(examId, 1, 5, keywordRubric("a", 5, "a"));
        addQuestion(examId, 2, 5, keywordRubric("a", 5, "a"));
        given().when().get("/api/v1/exams/" + examId + "/questions")
                .then().statusCode(200).body("items.number", contains(1, 2, 3));
    }

    @Test
    void duplicateQuestionNumberIs409AndKeepsTheFirst() {
        String examId = createExam("duplicate question");
        String first = addQuestion(examId, 1, 10, keywordNumericRubric());
        expectProblem(postQuestion(null, examId, Map.of("number", 1, "prompt", "another prompt", "maxScore", 5,
                "rubric", keywordRubric("x", 5, "x"))), 409, "DUPLICATE_RECORD")
                .body("detail", containsString("1"));
        given().when().get("/api/v1/exams/" + examId + "/questions")
                .then().statusCode(200).body("items", hasSize(1))
                .body("items[0].id", equalTo(first)).body("items[0].prompt", equalTo("Question 1"))
                .body("items[0].maxScore", decimal("10"));
    }

    @Test
    void questionOnUnknownExamIs404() {
        expectProblem(postQuestion(null, UUID.randomUUID().toString(), question(1, 10, keywordNumericRubric())),
                404, "RECORD_NOT_FOUND");
        expectProblem(given().when().get("/api/v1/exams/" + UUID.randomUUID() + "/questions").then(),
                404, "RECORD_NOT_FOUND");
    }

    static Stream<Arguments> invalidQuestions() {
        Map<String, Object> point = Map.of("id", "p1", "description", "d", "points", 5,
                "match", Map.of("anyOf", List.of("x")));
        return Stream.of(
                Arguments.of("no points", question(1, 10, Map.of("points", List.of())), "rubric.points"),
                Arguments.of("no rubric", Map.of("number", 1, "prompt", "p", "maxScore", 10), "rubric"),
                Arguments.of("point without match", question(1, 10, Map.of("points", List.of(
                        Map.of("id", "p1", "points", 5)))), "rubric.points[0].match"),
                Arguments.of("match without conditions", question(1, 10, Map.of("points", List.of(
                        Map.of("id", "p1", "points", 5, "match", Map.of())))), "rubric.points[0].match"),
                Arguments.of("bad regex", question(1, 10, Map.of("points", List.of(point,
                        Map.of("id", "p2", "points", 5, "match", Map.of("regex", "("))))), "rubric.points[1].match.regex"),
                Arguments.of("negative tolerance", question(1, 10, Map.of("points", List.of(
                        Map.of("id", "p1", "points", 5, "match", Map.of("numeric", Map.of("value", 3, "tolerance", -0.1)))))),
                        "rubric.points[0].match.numeric.tolerance"),
                Arguments.of("point without points", question(1, 10, Map.of("points", List.of(
                        Map.of("id", "p1", "match", Map.of("anyOf", List.of("x")))))), "rubric.points[0].points"),
                Arguments.of("point without id", question(1, 10, Map.of("points", List.of(
                        Map.of("points", 5, "match", Map.of("anyOf", List.of("x")))))), "rubric.points[0].id"),
                Arguments.of("duplicate point ids", question(1, 10, Map.of("points", List.of(point, point))),
                        "rubric.points[1].id"),
                Arguments.of("blank phrase", question(1, 10, Map.of("points", List.of(
                        Map.of("id", "p1", "points", 5, "match", Map.of("anyOf", List.of("　 ")))))),
                        "rubric.points[0].match.anyOf[0]"),
                Arguments.of("maxScore 0", question(1, 0, Map.of("points", List.of(point))), "maxScore"),
                Arguments.of("negative maxScore", question(1, -5, Map.of("points", List.of(point))), "maxScore"),
                Arguments.of("maxScore with three decimals", question(1, 1.005, Map.of("points", List.of(point))),
                        "maxScore"),
                Arguments.of("no maxScore", Map.of("number", 1, "prompt", "p", "rubric", Map.of("points", List.of(point))),
                        "maxScore"),
                Arguments.of("scoreStep 0", with(question(1, 10, Map.of("points", List.of(point))), "scoreStep", 0),
                        "scoreStep"),
                Arguments.of("scoreStep above maxScore", with(question(1, 10, Map.of("points", List.of(point))),
                        "scoreStep", 20), "scoreStep"),
                Arguments.of("number 0", question(0, 10, Map.of("points", List.of(point))), "number"),
                Arguments.of("no number", Map.of("prompt", "p", "maxScore", 10, "rubric", Map.of("points", List.of(point))),
                        "number"),
                Arguments.of("blank prompt", with(question(1, 10, Map.of("points", List.of(point))), "prompt", " "),
                        "prompt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidQuestions")
    void invalidQuestionIs400NamingTheFieldAndStoresNothing(String name, Object body, String field) {
        String examId = createExam("invalid " + name);
        expectValidation(postQuestion(null, examId, body), field);
        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void everyProblemOfARubricIsReportedAtOnce() {
        String examId = createExam("many problems");
        expectProblem(postQuestion(null, examId, question(1, 0, Map.of("points", List.of(
                Map.of("id", "a", "points", 1, "match", Map.of("regex", "[")),
                Map.of("id", "b", "points", 1))))), 400, "VALIDATION_ERROR")
                .body("errors.field", hasItems("maxScore", "rubric.points[0].match.regex",
                        "rubric.points[1].match"));
    }

    @Test
    void changedRubricIsANewVersionAndIdenticalOneIsNot() {
        String examId = createExam("versions");
        var v1 = postQuestion(null, examId, question(1, 10, keywordNumericRubric())).statusCode(201).extract();
        String questionId = v1.path("id");

        // only descriptions change: new version and content hash, same structure
        Map<String, Object> described = Map.of("points", List.of(
                Map.of("id", "kw", "description", "names the process (photosynthesis)", "points", 4,
                        "match", Map.of("anyOf", List.of("photosynthesis", "光合作用"))),
                Map.of("id", "pi", "description", "gives pi to two decimals", "points", 6,
                        "match", Map.of("numeric", Map.of("value", 3.14, "tolerance", 0.01)))));
        var v2 = putRubric(questionId, described).statusCode(200)
                .body("id", equalTo(questionId))
                .body("rubricVersion", equalTo(2))
                .body("contentHash", matchesPattern(SHA256))
                .body("contentHash", not(equalTo(v1.path("contentHash"))))
                .body("structureHash", equalTo(v1.path("structureHash")))
                .body("rubric.points[1].description", equalTo("gives pi to two decimals"))
                .extract();

        // the same rubric again, keys in another order and 4 written as 4.00: no new version
        putRubric(questionId, "{\"points\":[{\"points\":4.00,\"id\":\"kw\",\"match\":{\"anyOf\":[\"photosynthesis\",\"光合作用\"]},"
                + "\"description\":\"names the process (photosynthesis)\"},{\"id\":\"pi\",\"description\":\"gives pi to two decimals\","
                + "\"points\":6,\"match\":{\"numeric\":{\"tolerance\":0.01,\"value\":3.140}}}]}")
                .statusCode(200)
                .body("rubricVersion", equalTo(2))
                .body("contentHash", equalTo(v2.path("contentHash")));

        // re-weighting changes the structure
        Map<String, Object> reweighted = Map.of("points", List.of(
                Map.of("id", "kw", "description", "names the process", "points", 5,
                        "match", Map.of("anyOf", List.of("photosynthesis"))),
                Map.of("id", "pi", "description", "gives pi", "points", 5,
                        "match", Map.of("numeric", Map.of("value", 3.14, "tolerance", 0.01)))));
        putRubric(questionId, reweighted).statusCode(200)
                .body("rubricVersion", equalTo(3))
                .body("structureHash", not(equalTo(v1.path("structureHash"))))
                .body("contentHash", not(equalTo(v2.path("contentHash"))));

        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200)
                .body("items[0].rubricVersion", equalTo(3))
                .body("items[0].rubric.points[0].points", decimal("5"));
    }

    @Test
    void invalidRubricUpdateIs400AndKeepsTheCurrentVersion() {
        String examId = createExam("bad update");
        String questionId = addQuestion(examId, 1, 10, keywordNumericRubric());
        expectValidation(putRubric(questionId, Map.of("points", List.of(
                Map.of("id", "r", "points", 5, "match", Map.of("regex", "("))))), "points[0].match.regex");
        expectValidation(putRubric(questionId, Map.of("points", List.of())), "points");
        expectValidation(putRubric(questionId, "{\"points\": [ "), "body");
        expectProblem(given().contentType(ContentType.JSON).body("").when()
                .put("/api/v1/questions/" + questionId + "/rubric").then(), 400, "VALIDATION_ERROR");
        expectProblem(given().contentType(ContentType.JSON).body("null").when()
                .put("/api/v1/questions/" + questionId + "/rubric").then(), 400, "VALIDATION_ERROR");
        given().when().get("/api/v1/exams/" + examId + "/questions").then().statusCode(200)
                .body("items[0].rubricVersion", equalTo(1));
    }

    @Test
    void rubricOfUnknownQuestionIs404() {
        expectProblem(putRubric(UUID.randomUUID().toString(), keywordNumericRubric()), 404, "RECORD_NOT_FOUND");
        expectProblem(putRubric("not-a-uuid", keywordNumericRubric()), 404, "RECORD_NOT_FOUND");
    }

    /**
     * Rubric versions are frozen when a job starts: a job running while the rubric changes grades
     * with the old version; a job created before the change but started after it uses the new one.
     */
    @Test
    void jobStartedBeforeARubricChangeGradesWithTheFrozenVersion() {
        String examId = createExam("frozen rubric");
        String questionId = addQuestion(examId, 1, 10, keywordRubric("alpha", 10, "alpha"));
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        int students = 1000;
        for (int i = 0; i < students; i++) {
            csv.append("f").append(i).append(",1,alpha and beta\n");
        }
        uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(students));

        String startedLater = createJob(examId);
        String running = createJob(examId);
        control(running, "start").statusCode(200);
        putRubric(questionId, keywordRubric("beta", 3, "beta")).statusCode(200).body("rubricVersion", equalTo(2));

        awaitState(running, "COMPLETED");
        expectScores(running, students, "10");

        control(startedLater, "start").statusCode(200);
        awaitState(startedLater, "COMPLETED");
        expectScores(startedLater, students, "3");
    }

    private static void expectScores(String jobId, int count, String score) {
        given().when().get("/api/v1/grading-jobs/" + jobId + "/statistics").then().statusCode(200)
                .body("questions", hasSize(1))
                .body("questions[0].count", equalTo(count))
                .body("questions[0].min", decimal(score))
                .body("questions[0].max", decimal(score));
        given().queryParam("filter[score]", score).when().get("/api/v1/grading-jobs/" + jobId + "/results")
                .then().statusCode(200).body("total", equalTo(count));
    }

    private static ValidatableResponse putRubric(String questionId, Object rubric) {
        return given().contentType(ContentType.JSON).body(rubric)
                .when().put("/api/v1/questions/" + questionId + "/rubric").then();
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }
}
