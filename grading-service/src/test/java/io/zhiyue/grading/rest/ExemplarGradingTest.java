package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.grader.ExemplarGrader;
import io.zhiyue.grading.grader.ProposalBlend;
import io.zhiyue.shared.tenant.TenantHeaders;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.decimal;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.postQuestion;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;

/**
 * The exemplar grader in ai-mode jobs: silent below five teacher marks of the question version;
 * from five on it proposes the score teachers gave the nearest answers, with a confidence that the
 * marks behind it earn (six marks cannot reach the default 0.9, twenty can); with rubric points, a
 * proposal both graders back keeps its confidence and one they disagree on loses it.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ExemplarGradingTest {

    /** Right answers (4 of 4), each a different wording. */
    private static final List<String> RIGHT = List.of(
            "植物通过光合作用把光能转化为化学能，储存在有机物中",
            "光合作用把光能变成化学能储存在有机物里",
            "绿色植物利用光能，把二氧化碳和水合成有机物，能量储存在有机物中",
            "植物的光合作用将光能转化成化学能储存起来",
            "在叶绿体中，光能被转化为化学能，储存在糖类等有机物中",
            "光能经光合作用转变为化学能，贮存在有机物中",
            "植物吸收光能，通过光合作用转化为储存在有机物中的化学能",
            "光合作用中光能转化为化学能并储存在葡萄糖里",
            "叶绿体把光能转换成化学能，存在有机物中",
            "通过光合作用，光能最终以化学能的形式储存在有机物中",
            "光能被植物转化为化学能，保存在淀粉等有机物里",
            "植物把太阳光的能量转化成化学能，储存在有机物中");
    /** Wrong answers (0 of 4) on the same topic. */
    private static final List<String> WRONG = List.of(
            "植物靠根从土壤里吸收食物长大",
            "植物的食物全部来自土壤里的养分",
            "植物是靠吃土里的肥料长大的",
            "根从泥土中吸收营养，所以植物能长大",
            "植物从土壤中获得所有的能量和食物",
            "土壤里的养料就是植物的食物来源",
            "植物生长需要的能量都是根从土里吸来的",
            "植物靠肥料和土壤长大，不需要别的",
            "植物的营养都来自土壤中的肥料",
            "植物长大是因为根吸收了泥土里的食物",
            "肥料是植物生长所需能量的唯一来源",
            "植物从泥土里吸取养分作为能量");

    @Test
    void fromFiveTeacherMarksTheExemplarGraderProposesAndTwentyMarksEarnAutoAccept() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = createExam("exemplar grader " + tag);
        addAiQuestionWithoutPoints(examId, 1, 4);
        uploadCsv(examId, answers(tag)).statusCode(200);

        // four marks: too few, no proposal at all
        mark(examId, List.of("r0", "r1", "w0", "w1"));
        String first = gradeToCompletion(examId);
        result(first, "r5").body("proposedScore", nullValue()).body("graderId", nullValue())
                .body("reviewStatus", equalTo("NEEDS_REVIEW"));

        // six: proposals with the teachers' scores, but six right guesses earn at most 7/9
        mark(examId, List.of("r2", "w2"));
        String second = gradeToCompletion(examId);
        result(second, "r5").body("proposedScore", decimal("4")).body("graderId", equalTo(ExemplarGrader.ID))
                .body("confidence", lessThan(0.9f)).body("reviewStatus", equalTo("NEEDS_REVIEW"));
        result(second, "w7").body("proposedScore", decimal("0")).body("graderId", equalTo(ExemplarGrader.ID));
        result(second, "r0").body("reviewStatus", equalTo("HUMAN")).body("graderId", nullValue());

        // twenty: the nearest marks agree and twenty right guesses earn 21/23, so they are accepted
        mark(examId, List.of("r3", "r4", "r5", "r6", "r7", "r8", "r9", "w3", "w4", "w5", "w6", "w7", "w8", "w9"));
        String third = gradeToCompletion(examId);
        for (String student : List.of("r10", "r11", "w10", "w11")) {
            result(third, student).body("reviewStatus", equalTo("AUTO_ACCEPTED"))
                    .body("confidence", greaterThanOrEqualTo(0.9f))
                    .body("score", decimal(student.startsWith("r") ? "4" : "0"));
        }
        // an answer like none of the marked ones earns none of their confidence
        result(third, "z0").body("graderId", equalTo(ExemplarGrader.ID)).body("confidence", lessThan(0.5f))
                .body("reviewStatus", equalTo("NEEDS_REVIEW"));
        given().queryParam("filter[reviewStatus]", "AUTO_ACCEPTED").when()
                .get("/api/v1/grading-jobs/" + third + "/results").then().statusCode(200)
                .body("items.graderId", everyItem(equalTo(ExemplarGrader.ID)));
    }

    @Test
    void withRubricPointsTheTwoGradersBackOrDoubtEachOther() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = createExam("exemplar and rule " + tag);
        // the rubric gives 4 to any answer naming 光合作用 or 光能, so it calls the right answers
        // right and the wrong ones (which never name it) 0, except the two wrong ones below
        Map<String, Object> body = new HashMap<>(question(1, 4, keywordRubric("kw", 4, "光合作用", "光能")));
        body.put("marking", Map.of("mode", "ai"));
        postQuestion(null, examId, body).statusCode(201);
        uploadCsv(examId, answers(tag) + "x0-" + tag + ",1,植物不进行光合作用，只靠土壤里的养分长大\n").statusCode(200);
        mark(examId, List.of("r0", "r1", "r2", "r3", "r4", "w0", "w1", "w2", "w3", "w4"));

        String jobId = gradeToCompletion(examId);
        // both say 4: the higher confidence stands (the rule's 1.00)
        result(jobId, "r7").body("graderId", equalTo(ProposalBlend.BOTH)).body("proposedScore", decimal("4"))
                .body("confidence", decimal("1.00"));
        // the rule says 4 for a wrong answer naming the process, the teachers' marks of answers like
        // it say 0: the surer rule's score is proposed, four points apart on a four-point question,
        // so no confidence is left. (A wrong answer that both get wrong, because it is worded like the
        // right ones, keeps the rule's confidence: only the audit sample catches that.)
        result(jobId, "x0").body("graderId", equalTo(ProposalBlend.BOTH)).body("proposedScore", decimal("4"))
                .body("confidence", decimal("0")).body("reviewStatus", equalTo("NEEDS_REVIEW"));
    }

    @Test
    void aReviewItemShowsTheNearestMarkedAnswersUnlessItIsBlind() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String examId = createExam("nearest exemplars " + tag);
        addAiQuestionWithoutPoints(examId, 1, 4);
        postQuestion(null, examId, Map.of("number", 2, "prompt", "Question 2", "maxScore", 4, "scoreStep", 0.5,
                "marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 1))))
                .statusCode(201);
        String answers = answers(tag);
        uploadCsv(examId, answers + answers.lines().skip(1).map(line -> line.replace(",1,", ",2,"))
                .collect(Collectors.joining("\n", "", "\n"))).statusCode(200);
        List<String> marked = List.of("r0", "r1", "r2", "w0", "w1", "w2");
        mark(examId, marked, 1);
        mark(examId, marked, 2);
        gradeToCompletion(examId);

        String right = item(examId, 1, RIGHT.get(5));
        List<Map<String, Object>> nearest = given().when().get("/api/v1/review-items/" + right + "/exemplars")
                .then().statusCode(200).body("items[0].score", decimal("4")).extract().jsonPath().getList("items");
        assertThat(nearest).hasSize(3);
        Set<String> markedAnswers = Set.of(RIGHT.get(0), RIGHT.get(1), RIGHT.get(2), WRONG.get(0), WRONG.get(1),
                WRONG.get(2));
        assertThat(nearest).allSatisfy(exemplar -> assertThat(markedAnswers).contains((String) exemplar.get("answer")));
        String wrong = item(examId, 1, WRONG.get(6));
        given().when().get("/api/v1/review-items/" + wrong + "/exemplars").then().statusCode(200)
                .body("items[0].score", decimal("0"));
        // no LLM here: nothing to explain
        given().when().get("/api/v1/review-items/" + right + "/explanation").then().statusCode(404);

        // double marking is blind: no exemplars (the same question version's marks would give some), no explanation
        String blind = item(examId, 2, RIGHT.get(5));
        given().when().get("/api/v1/review-items/" + blind + "/exemplars").then().statusCode(200)
                .body("items", org.hamcrest.Matchers.empty());
        given().when().get("/api/v1/review-items/" + blind + "/explanation").then().statusCode(404)
                .body("detail", org.hamcrest.Matchers.containsString("has no explanation"));

        // a marker sees what their allocation gives them only
        given().contentType("application/json").body(Map.of("markers", List.of(Map.of("markerId", "t-wang",
                "questionNumbers", List.of(2))))).when().put("/api/v1/exams/" + examId + "/markers")
                .then().statusCode(200);
        given().header(TenantHeaders.SUBJECT, "t-wang").header(TenantHeaders.ROLES, "marker")
                .when().get("/api/v1/review-items/" + right + "/exemplars").then().statusCode(403);
        given().header(TenantHeaders.SUBJECT, "t-wang").header(TenantHeaders.ROLES, "marker")
                .when().get("/api/v1/review-items/" + blind + "/exemplars").then().statusCode(200);
        given().when().get("/api/v1/review-items/" + UUID.randomUUID() + "/exemplars").then().statusCode(404);
    }

    /** The open review item of the exam's question whose answer is {@code answer}. */
    private static String item(String examId, int question, String answer) {
        List<Map<String, Object>> items = given().queryParam("filter[questionNumber]", question)
                .queryParam("page_size", 200).when().get("/api/v1/exams/" + examId + "/review-items")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(item -> answer.equals(item.get("answer"))).map(item -> (String) item.get("id"))
                .findFirst().orElseThrow(() -> new AssertionError("no review item answers " + answer));
    }

    private static String answers(String tag) {
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        IntStream.range(0, RIGHT.size()).forEach(i -> csv.append("r").append(i).append('-').append(tag).append(",1,")
                .append(RIGHT.get(i)).append('\n'));
        IntStream.range(0, WRONG.size()).forEach(i -> csv.append("w").append(i).append('-').append(tag).append(",1,")
                .append(WRONG.get(i)).append('\n'));
        // and one on another subject altogether
        csv.append("z0-").append(tag).append(",1,今天天气很好，我们下午去公园踢足球\n");
        return csv.toString();
    }

    /** Teacher marks: 4 for the right answers, 0 for the wrong ones. */
    private static void mark(String examId, List<String> students) {
        mark(examId, students, 1);
    }

    private static void mark(String examId, List<String> students, int question) {
        String tag = tagOf(examId);
        StringBuilder csv = new StringBuilder("student_id,question_number,score,marker_id\n");
        for (String student : students) {
            csv.append(student).append('-').append(tag).append(',').append(question).append(',').append(student.startsWith("r") ? 4 : 0)
                    .append(",teacher-li\n");
        }
        given().contentType("text/csv").body(csv.toString()).when().post("/api/v1/exams/" + examId + "/marks")
                .then().statusCode(200).body("accepted", equalTo(students.size()));
    }

    private static String tagOf(String examId) {
        String title = given().when().get("/api/v1/exams/" + examId).then().statusCode(200).extract().path("title");
        return title.substring(title.lastIndexOf(' ') + 1);
    }

    /** The one result of the student (short id, before the tag) in the job. */
    private static ValidatableResponse result(String jobId, String student) {
        return given().queryParam("filter[studentId]", student + "-" + tagOf(examOf(jobId)))
                .when().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .rootPath("items[0]");
    }

    private static String examOf(String jobId) {
        return job(jobId).extract().path("examId");
    }
}
