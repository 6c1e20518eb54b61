package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * Who marks, behind the gateway: its subject is the marker and its roles say chief, whatever the body claims; a
 * caller that is only a marker marks only the questions the exam's allocation gives it (403 otherwise), while a
 * teacher, chief or admin marks any.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class MarkerIdentityTest {

    @Inject
    Pool pool;

    private String examId;
    private String question1;
    private String question2;

    /**
     * Questions 1 and 2: ai without points (every answer waits for one person's mark), with answers identical in
     * pairs (an answer group has at least two members). Question 3: ai, double
     * marking (tolerance 1, max 4); the grader proposes 0 for "no idea".
     */
    @BeforeEach
    void anExamWaitingForPeople() {
        examId = createExam("marker identity");
        question1 = addAiQuestionWithoutPoints(examId, 1, 4);
        question2 = addAiQuestionWithoutPoints(examId, 2, 4);
        Map<String, Object> twice = new HashMap<>(question(3, 4, keywordRubric("kw", 4, "oxygen")));
        twice.put("marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 1)));
        postQuestion(null, examId, twice).statusCode(201);
        uploadCsv(examId, """
                student_id,question_number,answer
                i-0,1,one-a
                i-1,1,one-b
                i-2,1,one-b
                i-0,2,two-a
                i-1,2,two-b
                i-2,2,two-b
                i-3,2,two-a
                i-0,3,no idea
                """).statusCode(200).body("accepted", equalTo(8));
        gradeToCompletion(examId);
    }

    @Test
    void theSubjectIsTheMarkerWhateverTheBodySays() {
        String item = itemFor(2, "two-a");
        as("alice", "teacher").contentType(ContentType.JSON).body(Map.of("score", 3, "markerId", "mallory"))
                .when().post("/api/v1/review-items/" + item + "/marks").then().statusCode(200)
                .body("state", equalTo("RESOLVED")).body("marks.markerId", contains("alice"));
        assertThat(column("SELECT marker_id FROM review_marks WHERE review_item_id = $1", item))
                .containsExactly("alice");

        // the queue leases to the subject, not to the body's marker
        String leased = as("bob", "teacher").contentType(ContentType.JSON).body(Map.of("markerId", "mallory"))
                .when().post("/api/v1/exams/" + examId + "/review-items/next").then().statusCode(200)
                .extract().path("id");
        assertThat(column("SELECT leased_to FROM review_items WHERE id = $1", leased)).containsExactly("bob");

        // a mark upload: every row is the caller's mark
        as("carol", "teacher").contentType(ContentType.JSON)
                .body(List.of(Map.of("studentId", "i-1", "questionNumber", 1, "score", 2, "markerId", "mallory")))
                .when().post("/api/v1/exams/" + examId + "/marks").then().statusCode(200).body("accepted", equalTo(1));
        as("carol", "teacher").contentType("text/csv")
                .body("student_id,question_number,score,marker_id\ni-0,1,1,mallory\n")
                .when().post("/api/v1/exams/" + examId + "/marks").then().statusCode(200).body("accepted", equalTo(1));
        // an answer group mark
        String group = groupOf(question2, "two-b");
        as("dave", "teacher").contentType(ContentType.JSON).body(Map.of("score", 1, "markerId", "mallory"))
                .when().post("/api/v1/answer-groups/" + group + "/marks").then().statusCode(200)
                .body("marked", equalTo(2));

        assertThat(column("SELECT marker_id || ' ' || source FROM teacher_marks WHERE exam_id = $1 "
                + "AND source <> 'REVIEW' ORDER BY created_at", examId))
                .containsExactly("carol MARKS", "carol MARKS", "dave ANSWER_GROUP", "dave ANSWER_GROUP");
        assertThat(column("SELECT marker_id FROM teacher_marks WHERE exam_id = $1", examId))
                .isNotEmpty().doesNotContain("mallory");
        assertThat(column("SELECT marker_id FROM review_marks m JOIN review_items i ON i.id = m.review_item_id "
                + "WHERE i.exam_id = $1", examId)).isNotEmpty().doesNotContain("mallory");
    }

    @Test
    void chiefComesFromTheRolesNotTheBody() {
        String item = itemFor(3, "no idea");
        mark(as("t1", "teacher"), item, 3, false).statusCode(200).body("state", equalTo("THIRD_MARK"));
        // 1.5 is 1.5 from the grader's 0 and from 3: arbitration
        mark(as("t2", "teacher"), item, 1.5, false).statusCode(200).body("state", equalTo("ARBITRATION"));
        // a teacher who says chief in the body is no chief
        expectProblem(mark(as("t3", "teacher"), item, 1, true), 403, "AUTHORIZATION_ERROR");
        // a chief by role arbitrates though the body says otherwise
        mark(as("c1", "teacher,chief"), item, 1, false).statusCode(200).body("state", equalTo("RESOLVED"))
                .body("finalScore", decimal("1"))
                .body("marks.markerId", contains("rule-based-v1", "t1", "t2", "c1"));
        assertThat(column("SELECT marker_id || ' ' || chief FROM review_marks WHERE review_item_id = $1 "
                + "ORDER BY created_at", item)).containsExactly("t1 false", "t2 false", "c1 true");
    }

    @Test
    void aMarkerMarksOnlyTheQuestionsAllocatedToIt() {
        // no allocation at all: a mere marker marks nothing
        expectProblem(mark(as("m1", "marker"), itemFor(1, "one-a"), 2, false), 403, "AUTHORIZATION_ERROR");
        expectProblem(next(as("m1", "marker")), 403, "AUTHORIZATION_ERROR");

        given().contentType(ContentType.JSON).body(Map.of("markers", List.of(
                        Map.of("markerId", "m1", "questionNumbers", List.of(1)))))
                .when().put("/api/v1/exams/" + examId + "/markers").then().statusCode(200);
        String onQuestion2 = itemFor(2, "two-a");
        // a marker claiming in the body to be someone allocated question 2 is still itself
        expectProblem(as("m1", "marker").contentType(ContentType.JSON).body(Map.of("score", 2, "markerId", "m2"))
                .when().post("/api/v1/review-items/" + onQuestion2 + "/marks").then(), 403, "AUTHORIZATION_ERROR");
        expectProblem(markGroup(as("m1", "marker"), groupOf(question2, "two-a")), 403, "AUTHORIZATION_ERROR");
        // nothing was stored by the refused marks
        assertThat(column("SELECT marker_id FROM review_marks m JOIN review_items i ON i.id = m.review_item_id "
                + "WHERE i.exam_id = $1", examId)).isEmpty();
        assertThat(column("SELECT marker_id FROM teacher_marks WHERE exam_id = $1", examId)).isEmpty();
        // mark uploads: the rows of other questions are refused, the others stored
        as("m1", "marker").contentType(ContentType.JSON).body(List.of(
                        Map.of("studentId", "i-0", "questionNumber", 1, "score", 2),
                        Map.of("studentId", "i-0", "questionNumber", 2, "score", 2)))
                .when().post("/api/v1/exams/" + examId + "/marks").then().statusCode(200)
                .body("accepted", equalTo(1)).body("rejected.row", contains(2))
                .body("rejected.code", contains("AUTHORIZATION_ERROR"));

        // their own question they mark, through the queue, an item and a group
        next(as("m1", "marker")).statusCode(200).body("questionNumber", equalTo(1));
        mark(as("m1", "marker"), itemFor(1, "one-a"), 2, false).statusCode(200).body("state", equalTo("RESOLVED"));
        markGroup(as("m1", "marker"), groupOf(question1, "one-b")).statusCode(200);
        // a teacher marks any question, allocated or not
        mark(as("t1", "teacher"), onQuestion2, 2, false).statusCode(200).body("state", equalTo("RESOLVED"));
        assertThat(column("SELECT i.question_number || ' ' || m.marker_id FROM review_marks m "
                + "JOIN review_items i ON i.id = m.review_item_id WHERE i.exam_id = $1 ORDER BY m.created_at", examId))
                .containsExactly("1 m1", "1 m1", "1 m1", "2 t1");
    }

    /** A request as the gateway sends it for a caller with the subject and roles. */
    private static RequestSpecification as(String subject, String roles) {
        return given().header(TenantHeaders.SUBJECT, subject).header(TenantHeaders.ROLES, roles);
    }

    private static ValidatableResponse mark(RequestSpecification caller, String itemId, double score, boolean chief) {
        return caller.contentType(ContentType.JSON)
                .body(Map.of("score", score, "markerId", "body-marker", "chief", chief))
                .when().post("/api/v1/review-items/" + itemId + "/marks").then();
    }

    private ValidatableResponse next(RequestSpecification caller) {
        return caller.contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/v1/exams/" + examId + "/review-items/next").then();
    }

    private static ValidatableResponse markGroup(RequestSpecification caller, String groupId) {
        return caller.contentType(ContentType.JSON).body(Map.of("score", 1))
                .when().post("/api/v1/answer-groups/" + groupId + "/marks").then();
    }

    private String itemFor(int questionNumber, String answer) {
        return given().queryParam("filter[questionNumber]", questionNumber)
                .when().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200)
                .extract().path("items.find { it.answer == '" + answer + "' }.id");
    }

    private static String groupOf(String questionId, String answer) {
        return given().when().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .extract().path("items.find { it.representative == '" + answer + "' }.id");
    }

    private List<String> column(String sql, String id) {
        return pool.preparedQuery(sql).execute(Tuple.of(UUID.fromString(id))).await().atMost(Duration.ofSeconds(5))
                .stream().map(row -> row.getValue(0).toString()).toList();
    }
}
