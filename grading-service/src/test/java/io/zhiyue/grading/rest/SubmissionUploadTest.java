package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.GradingTestData.uploadJson;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class SubmissionUploadTest {

    @Test
    void jsonArrayIsStored() {
        String examId = examWithTwoQuestions("json upload");
        uploadJson(examId, List.of(
                Map.of("studentId", "s1", "questionNumber", 1, "answer", "photosynthesis 3.14"),
                Map.of("studentId", "s1", "questionNumber", 2, "answer", "水的化学式是 H₂O"),
                Map.of("studentId", "s2", "questionNumber", 1, "answer", "")))
                .statusCode(200).contentType(ContentType.JSON)
                .body("accepted", equalTo(3)).body("rejected", empty());

        var page = submissions(examId, Map.of("sort_by", "studentId")).body("total", equalTo(3)).extract();
        List<Map<String, Object>> items = page.jsonPath().getList("items");
        assertThat(items).extracting(i -> i.get("studentId") + "/" + i.get("questionNumber") + "/" + i.get("answer"))
                .containsExactlyInAnyOrder("s1/1/photosynthesis 3.14", "s1/2/水的化学式是 H₂O", "s2/1/");
        assertThat(items).allSatisfy(i -> assertThat(i).containsKeys("id", "createdAt").doesNotContainKey("status"));
    }

    @Test
    void csvWithChineseQuotedCommasAndNewlinesIsStoredVerbatim() {
        String examId = examWithTwoQuestions("csv upload");
        String csv = "student_id,question_number,answer\r\n"
                + "学生01,1,\"光合作用，需要阳光, 水和二氧化碳\"\r\n"
                + "学生01,2,\"第一行\n第二行 \"\"引号\"\"\"\r\n"
                + "学生02,1,ｐｈｏｔｏｓｙｎｔｈｅｓｉｓ　３．１４\r\n";
        uploadCsv(examId, csv).statusCode(200).body("accepted", equalTo(3)).body("rejected", empty());

        submissions(examId, Map.of("filter[studentId]", "学生01", "sort_by", "questionNumber"))
                .body("total", equalTo(2))
                .body("items.answer", contains("光合作用，需要阳光, 水和二氧化碳", "第一行\n第二行 \"引号\""));
        submissions(examId, Map.of("filter[studentId]", "学生02"))
                .body("items[0].answer", equalTo("ｐｈｏｔｏｓｙｎｔｈｅｓｉｓ　３．１４"));
    }

    @Test
    void csvWithByteOrderMarkAndBlankLinesIsAccepted() {
        String examId = examWithTwoQuestions("bom");
        uploadCsv(examId, "\uFEFFstudent_id,question_number,answer\n\ns1,1,a\n\n\ns2,1,b\n\n")
                .statusCode(200).body("accepted", equalTo(2)).body("rejected", empty());
    }

    @Test
    void headerIsCaseAndSpaceInsensitive() {
        String examId = examWithTwoQuestions("header case");
        uploadCsv(examId, "Student_ID, Question_Number ,ANSWER\ns1,1,a\n").statusCode(200).body("accepted", equalTo(1));
    }

    @Test
    void badCsvRowsAreReportedByRowWhileGoodRowsAreStored() {
        String examId = examWithTwoQuestions("bad rows");
        uploadCsv(examId, "student_id,question_number,answer\nold,1,the original answer\n")
                .statusCode(200).body("accepted", equalTo(1));

        String csv = """
                student_id,question_number,answer
                s1,1,good one
                s2,9,unknown question
                ,1,no student
                s3,one,not a number
                s4,1
                s5,1,too,many
                s1,1,same student and question again
                old,1,an attempt to overwrite
                s6,2,"good two, with a comma"
                "   ",2,blank student
                """;
        var report = uploadCsv(examId, csv).statusCode(200)
                .body("accepted", equalTo(2))
                .body("rejected.row", contains(2, 3, 4, 5, 6, 7, 8, 10))
                .body("rejected.code", contains("VALIDATION_ERROR", "VALIDATION_ERROR", "VALIDATION_ERROR",
                        "VALIDATION_ERROR", "VALIDATION_ERROR", "DUPLICATE_RECORD", "DUPLICATE_RECORD", "VALIDATION_ERROR"))
                .extract();
        List<String> messages = report.path("rejected.message");
        assertThat(messages.get(0)).contains("question 9");
        assertThat(messages.get(1)).containsIgnoringCase("student");
        assertThat(messages.get(2)).contains("one");
        assertThat(messages.get(3)).contains("3 columns");
        assertThat(messages.get(4)).contains("3 columns");
        assertThat(messages.get(5)).contains("s1");
        assertThat(messages.get(6)).contains("old");

        submissions(examId, Map.of("sort_by", "studentId")).body("total", equalTo(3))
                .body("items.studentId", contains("old", "s1", "s6"))
                .body("items.answer", contains("the original answer", "good one", "good two, with a comma"));
    }

    @Test
    void badJsonRowsAreReportedByRowWhileGoodRowsAreStored() {
        String examId = examWithTwoQuestions("bad json rows");
        uploadJson(examId, List.of(Map.of("studentId", "kept", "questionNumber", 2, "answer", "first")))
                .statusCode(200).body("accepted", equalTo(1));

        Map<String, Object> nullAnswer = new HashMap<>();
        nullAnswer.put("studentId", "s7");
        nullAnswer.put("questionNumber", 1);
        nullAnswer.put("answer", null);
        uploadJson(examId, List.of(
                Map.of("studentId", "s1", "questionNumber", 1, "answer", "ok"),
                Map.of("studentId", 5, "questionNumber", 1, "answer", "numeric student"),
                Map.of("questionNumber", 1, "answer", "no student"),
                Map.of("studentId", "s2", "questionNumber", "1", "answer", "text number"),
                Map.of("studentId", "s3", "questionNumber", 1.5, "answer", "fraction"),
                Map.of("studentId", "s4", "questionNumber", 42, "answer", "unknown question"),
                "not an object",
                Map.of("studentId", "s1", "questionNumber", 1, "answer", "again"),
                Map.of("studentId", "kept", "questionNumber", 2, "answer", "overwrite?"),
                nullAnswer,
                Map.of("studentId", "s8", "questionNumber", 2, "answer", List.of("a")),
                Map.of("studentId", "s9", "questionNumber", 2, "answer", "ok too")))
                .statusCode(200)
                .body("accepted", equalTo(2))
                .body("rejected.row", contains(2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
                .body("rejected.code", contains("VALIDATION_ERROR", "VALIDATION_ERROR", "VALIDATION_ERROR",
                        "VALIDATION_ERROR", "VALIDATION_ERROR", "VALIDATION_ERROR", "DUPLICATE_RECORD",
                        "DUPLICATE_RECORD", "VALIDATION_ERROR", "VALIDATION_ERROR"));

        submissions(examId, Map.of("sort_by", "studentId")).body("total", equalTo(3))
                .body("items.studentId", contains("kept", "s1", "s9"))
                .body("items.answer", contains("first", "ok", "ok too"));
    }

    @Test
    void rowWithTextPostgresqlCannotStoreIsRejectedAlone() {
        String examId = examWithTwoQuestions("nul row");
        uploadCsv(examId, "student_id,question_number,answer\ns1,1,a\u0000b\ns2,1,fine\n").statusCode(200)
                .body("accepted", equalTo(1))
                .body("rejected.row", contains(1))
                .body("rejected[0].code", equalTo("VALIDATION_ERROR"));
        uploadJson(examId, "[{\"studentId\": \"s\\u0000\", \"questionNumber\": 2, \"answer\": \"x\"}]").statusCode(200)
                .body("accepted", equalTo(0)).body("rejected.row", contains(1));
        submissions(examId, Map.of()).body("total", equalTo(1)).body("items[0].studentId", equalTo("s2"));
    }

    @Test
    void badCsvHeaderIs400AndStoresNothing() {
        String examId = examWithTwoQuestions("bad header");
        expectValidation(uploadCsv(examId, "student,question,answer\ns1,1,a\n"), "header");
        expectValidation(uploadCsv(examId, "s1,1,a\ns2,1,b\n"), "header");
        expectValidation(uploadCsv(examId, "student_id,question_number,answer,extra\ns1,1,a,b\n"), "header");
        submissions(examId, Map.of()).body("total", equalTo(0)).body("items", empty());
    }

    @Test
    void emptyOrMalformedCsvIs400AndStoresNothing() {
        String examId = examWithTwoQuestions("malformed csv");
        expectValidation(uploadCsv(examId, ""), "body");
        expectValidation(uploadCsv(examId, "\n\n"), "body");
        expectValidation(uploadCsv(examId, "student_id,question_number,answer\ns1,1,ok\ns2,1,\"never closed\n"), "body")
                .body("detail", containsString("line 3"));
        submissions(examId, Map.of()).body("total", equalTo(0));
    }

    @Test
    void headerOnlyCsvAcceptsNothing() {
        String examId = examWithTwoQuestions("header only");
        uploadCsv(examId, "student_id,question_number,answer\n").statusCode(200)
                .body("accepted", equalTo(0)).body("rejected", empty());
    }

    @Test
    void nonArrayJsonIs400AndStoresNothing() {
        String examId = examWithTwoQuestions("non array");
        expectValidation(uploadJson(examId, Map.of("studentId", "s1", "questionNumber", 1, "answer", "x")), "body");
        expectValidation(uploadJson(examId, "\"s1,1,x\""), "body");
        expectValidation(uploadJson(examId, "[{\"studentId\": \"s1\""), "body");
        expectProblem(given().contentType(ContentType.JSON).body("")
                .when().post("/api/v1/exams/" + examId + "/submissions").then(), 400, "VALIDATION_ERROR");
        submissions(examId, Map.of()).body("total", equalTo(0));
    }

    @Test
    void uploadToUnknownExamIs404() {
        String unknown = UUID.randomUUID().toString();
        expectProblem(uploadCsv(unknown, "student_id,question_number,answer\ns1,1,a\n"), 404, "RECORD_NOT_FOUND");
        expectProblem(uploadJson(unknown, List.of(Map.of("studentId", "s1", "questionNumber", 1, "answer", "a"))),
                404, "RECORD_NOT_FOUND");
        expectProblem(given().when().get("/api/v1/exams/" + unknown + "/submissions").then(), 404, "RECORD_NOT_FOUND");
        expectProblem(uploadCsv("nope", "student_id,question_number,answer\n"), 404, "RECORD_NOT_FOUND");
    }

    @Test
    void aSemicolonInAQueryValueIsPartOfTheValue() {
        String examId = examWithTwoQuestions("semicolons");
        uploadCsv(examId, "student_id,question_number,answer\na;b,1,x\na,1,y\n").statusCode(200)
                .body("accepted", equalTo(2));

        // sent raw, not percent-encoded: ';' must not split the parameter
        given().urlEncodingEnabled(false)
                .when().get("/api/v1/exams/" + examId + "/submissions?filter[studentId]=a;b")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].studentId", equalTo("a;b"));
    }

    @Test
    void submissionsPageFilterSortAndSelectFields() {
        String examId = examWithTwoQuestions("list submissions");
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < 12; i++) {
            csv.append(String.format("p%02d", i)).append(',').append(i % 2 + 1).append(",answer ").append(i).append('\n');
        }
        uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(12));

        submissions(examId, Map.of("page", "2", "page_size", "5", "sort_by", "studentId", "sort_order", "desc"))
                .body("total", equalTo(12)).body("page", equalTo(2)).body("pageSize", equalTo(5))
                .body("items.studentId", contains("p06", "p05", "p04", "p03", "p02"));
        submissions(examId, Map.of("filter[questionNumber]", "2"))
                .body("total", equalTo(6)).body("items.questionNumber", everyItem(equalTo(2)));
        expectValidation(given().queryParam("filter[status]", "RECEIVED")
                .when().get("/api/v1/exams/" + examId + "/submissions").then(), "filter[status]");
        List<Map<String, Object>> items = submissions(examId, Map.of("fields", "studentId,answer", "page_size", "3"))
                .body("items", hasSize(3)).extract().jsonPath().getList("items");
        assertThat(items).allSatisfy(i -> assertThat(i.keySet()).containsExactlyInAnyOrder("studentId", "answer"));

        expectValidation(given().queryParam("sort_by", "answer").when().get("/api/v1/exams/" + examId + "/submissions")
                .then(), "sort_by");
        expectValidation(given().queryParam("filter[answer]", "x").when().get("/api/v1/exams/" + examId + "/submissions")
                .then(), "filter[answer]");
        expectValidation(given().queryParam("filter[questionNumber]", "two")
                .when().get("/api/v1/exams/" + examId + "/submissions").then(), "filter[questionNumber]");
        expectValidation(given().queryParam("fields", "tenantId").when().get("/api/v1/exams/" + examId + "/submissions")
                .then(), "fields");
    }

    @Test
    void aCursorPagesThroughRowsThatShareTheirUploadTime() {
        String examId = examWithTwoQuestions("cursor over ties");
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < 23; i++) {
            csv.append("t").append(i).append(',').append(i % 2 + 1).append(",answer\n");
        }
        // one upload, one transaction: every row has the same created_at, the default sort
        uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(23));

        for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("filter[questionNumber]", "1"))) {
            int expected = filter.isEmpty() ? 23 : 12;
            Map<String, String> query = new HashMap<>(filter);
            query.put("page_size", "5");
            Map<String, Object> page = submissions(examId, query).extract().jsonPath().getMap("");
            List<Object> ids = new ArrayList<>(idsOf(page));
            int pages = 1;
            while (page.get("nextCursor") != null) {
                Map<String, String> next = new HashMap<>(filter);
                next.put("page_size", "5");
                next.put("cursor", (String) page.get("nextCursor"));
                page = submissions(examId, next).body("total", equalTo(expected)).extract().jsonPath().getMap("");
                ids.addAll(idsOf(page));
                pages++;
            }
            assertThat(ids).as("filter %s", filter).doesNotHaveDuplicates().hasSize(expected);
            assertThat(pages).isEqualTo((expected + 4) / 5);
        }

        String filteredCursor = submissions(examId, Map.of("filter[questionNumber]", "1", "page_size", "5"))
                .extract().path("nextCursor");
        expectValidation(given().queryParam("cursor", filteredCursor)
                .when().get("/api/v1/exams/" + examId + "/submissions").then(), "cursor");
    }

    @Test
    void repeatedFiltersAre400() {
        String examId = examWithTwoQuestions("repeated filters");
        expectValidation(given().urlEncodingEnabled(false)
                .when().get("/api/v1/exams/" + examId + "/submissions?filter[studentId]=a&filter[studentId]=b")
                .then(), "filter[studentId]");
        expectValidation(given().urlEncodingEnabled(false)
                .when().get("/api/v1/exams/" + examId + "/submissions?filter[studentId]=a&filter[student_id]=b")
                .then(), "filter[student_id]");
    }

    @Test
    void csvWithoutCharsetIsReadAsUtf8() {
        String examId = examWithTwoQuestions("no charset");
        given().contentType("text/csv").body("student_id,question_number,answer\n学生,1,光合作用\n".getBytes(
                StandardCharsets.UTF_8))
                .when().post("/api/v1/exams/" + examId + "/submissions").then().statusCode(200).body("accepted", equalTo(1));
        submissions(examId, Map.of()).body("items[0].studentId", equalTo("学生")).body("items[0].answer", equalTo("光合作用"));
    }

    private static String examWithTwoQuestions(String title) {
        String examId = createExam(title);
        addKeywordNumericQuestion(examId, 1);
        addKeywordNumericQuestion(examId, 2);
        return examId;
    }

    private static List<Object> idsOf(Map<String, Object> page) {
        return ((List<?>) page.get("items")).stream().<Object>map(item -> ((Map<?, ?>) item).get("id")).toList();
    }

    private static ValidatableResponse submissions(String examId, Map<String, String> query) {
        return given().queryParams(query).when().get("/api/v1/exams/" + examId + "/submissions")
                .then().statusCode(200);
    }
}
