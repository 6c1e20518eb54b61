package io.zhiyue.grading.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addQuestion;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.keywordNumericRubric;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/**
 * Results of one graded exam (read only, so the tests share it): 24 students answer two questions
 * whose expected scores are known, so every figure the API shows can be checked.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ResultQueryTest {

    private static final int STUDENTS = 24;
    private static final int TOTAL = STUDENTS * 2;
    private static String examId;
    private static String jobId;

    /** Q1 (max 10): keyword 4 + pi 6. */
    private static String q1Answer(int student) {
        return switch (student % 4) {
            case 0 -> "光合作用，π = 3.14";
            case 1 -> "Photosynthesis";
            case 2 -> "pi is 3.141";
            default -> "no idea";
        };
    }

    private static String q1Score(int student) {
        return switch (student % 4) {
            case 0 -> "10";
            case 1 -> "4";
            case 2 -> "6";
            default -> "0";
        };
    }

    /** Q2 (max 5): formula 3 + elements 2, "fire" −1 (a deduction, clamped at 0). */
    private static String q2Answer(int student) {
        return switch (student % 3) {
            case 0 -> "H2O: hydrogen and oxygen";
            case 1 -> "Ｈ２Ｏ";
            default -> "fire and oxygen";
        };
    }

    private static String q2Score(int student) {
        return switch (student % 3) {
            case 0 -> "5";
            case 1 -> "3";
            default -> "0";
        };
    }

    private static synchronized String gradedJob() {
        if (jobId == null) {
            examId = createExam("results");
            addQuestion(examId, 1, 10, keywordNumericRubric());
            addQuestion(examId, 2, 5, Map.of("points", List.of(
                    Map.of("id", "formula", "description", "H2O", "points", 3, "match", Map.of("regex", "h\\s*2\\s*o")),
                    Map.of("id", "elements", "description", "both elements", "points", 2,
                            "match", Map.of("allOf", List.of("hydrogen", "oxygen"))),
                    Map.of("id", "wrong", "description", "says fire", "points", -1,
                            "match", Map.of("anyOf", List.of("fire"))))));
            StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
            for (int i = 0; i < STUDENTS; i++) {
                csv.append(student(i)).append(",1,\"").append(q1Answer(i)).append("\"\n");
                csv.append(student(i)).append(",2,\"").append(q2Answer(i)).append("\"\n");
            }
            uploadCsv(examId, csv.toString()).statusCode(200).body("accepted", equalTo(TOTAL));
            jobId = gradeToCompletion(examId);
        }
        return jobId;
    }

    private static String student(int i) {
        return String.format("r%02d", i);
    }

    private static Map<String, BigDecimal> expectedScores() {
        Map<String, BigDecimal> expected = new HashMap<>();
        for (int i = 0; i < STUDENTS; i++) {
            expected.put(student(i) + "/1", new BigDecimal(q1Score(i)));
            expected.put(student(i) + "/2", new BigDecimal(q2Score(i)));
        }
        return expected;
    }

    @Test
    void totalEqualsGradedAndEverySubmissionHasExactlyOneResult() {
        String job = gradedJob();
        job(job).body("state", equalTo("COMPLETED")).body("graded", equalTo(TOTAL)).body("total", equalTo(TOTAL));

        JsonNode results = results(job, Map.of("page_size", "200"));
        assertThat(results.get("total").asInt()).isEqualTo(TOTAL);
        Set<String> resultSubmissions = new HashSet<>();
        results.get("items").forEach(item -> resultSubmissions.add(item.get("submissionId").asText()));
        assertThat(resultSubmissions).hasSize(TOTAL);

        List<String> submissionIds = given().queryParam("page_size", 200).when().get("/api/v1/exams/" + examId + "/submissions")
                .then().statusCode(200).body("total", equalTo(TOTAL)).extract().path("items.id");
        assertThat(resultSubmissions).containsExactlyInAnyOrderElementsOf(submissionIds);
    }

    @Test
    void everyScoreFollowsTheRubric() {
        JsonNode results = results(gradedJob(), Map.of("page_size", "200"));
        Map<String, BigDecimal> expected = expectedScores();
        assertThat(results.get("items")).hasSize(TOTAL);
        for (JsonNode item : results.get("items")) {
            String key = item.get("studentId").asText() + "/" + item.get("questionNumber").asInt();
            assertThat(item.get("score").decimalValue()).as(key).isEqualByComparingTo(expected.get(key));
            assertThat(item.get("maxScore").decimalValue())
                    .isEqualByComparingTo(item.get("questionNumber").asInt() == 1 ? "10" : "5");
            assertThat(item.get("confidence").decimalValue()).isBetween(BigDecimal.ZERO, BigDecimal.ONE);
            assertThat(item.get("graderId").asText()).isNotBlank();
            List<String> pointIds = new ArrayList<>();
            item.get("points").forEach(point -> {
                pointIds.add(point.get("id").asText());
                assertThat(point.get("awarded").isBoolean()).isTrue();
                assertThat(point.has("evidence")).isTrue();
            });
            assertThat(pointIds).containsExactlyElementsOf(item.get("questionNumber").asInt() == 1
                    ? List.of("kw", "pi") : List.of("formula", "elements", "wrong"));
        }
    }

    @Test
    void sortByScore() {
        String job = gradedJob();
        List<BigDecimal> desc = scores(results(job, Map.of("sort_by", "score", "sort_order", "desc", "page_size", "200")));
        assertThat(desc).hasSize(TOTAL).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(desc.get(0)).isEqualByComparingTo("10");
        List<BigDecimal> asc = scores(results(job, Map.of("sort_by", "score", "sort_order", "asc", "page_size", "200")));
        assertThat(asc).hasSize(TOTAL).isSortedAccordingTo(BigDecimal::compareTo);
        assertThat(asc.get(0)).isEqualByComparingTo("0");

        given().queryParam("sort_by", "studentId").queryParam("sort_order", "desc").queryParam("page_size", 2)
                .when().get("/api/v1/grading-jobs/" + job + "/results")
                .then().statusCode(200).body("items.studentId", everyItem(equalTo("r23")));
    }

    @Test
    void filterByQuestionStudentAndScore() {
        String job = gradedJob();
        given().queryParam("filter[questionNumber]", 1).queryParam("page_size", 200)
                .when().get("/api/v1/grading-jobs/" + job + "/results")
                .then().statusCode(200).body("total", equalTo(STUDENTS)).body("items", hasSize(STUDENTS))
                .body("items.questionNumber", everyItem(equalTo(1)));
        given().queryParam("filter[studentId]", "r05").when().get("/api/v1/grading-jobs/" + job + "/results")
                .then().statusCode(200).body("total", equalTo(2)).body("items.studentId", everyItem(equalTo("r05")));
        given().queryParam("filter[score]", "10").queryParam("filter[questionNumber]", "1")
                .when().get("/api/v1/grading-jobs/" + job + "/results")
                .then().statusCode(200).body("total", equalTo(STUDENTS / 4));
        given().queryParam("filter[studentId]", "nobody").when().get("/api/v1/grading-jobs/" + job + "/results")
                .then().statusCode(200).body("total", equalTo(0)).body("items", empty());
    }

    @Test
    void fieldSelectionKeepsOnlyTheNamedFields() {
        List<Map<String, Object>> items = given().queryParam("fields", "studentId,score").queryParam("page_size", 5)
                .when().get("/api/v1/grading-jobs/" + gradedJob() + "/results")
                .then().statusCode(200).body("total", equalTo(TOTAL)).extract().jsonPath().getList("items");
        assertThat(items).hasSize(5).allSatisfy(item -> assertThat(item.keySet()).containsExactlyInAnyOrder("studentId", "score"));
    }

    @Test
    void pagesCoverEveryResultOnce() {
        String job = gradedJob();
        Set<String> seen = new HashSet<>();
        for (int page = 1; page <= 5; page++) {
            JsonNode body = results(job, Map.of("page", String.valueOf(page), "page_size", "10"));
            assertThat(body.get("total").asInt()).isEqualTo(TOTAL);
            assertThat(body.get("page").asInt()).isEqualTo(page);
            assertThat(body.get("pageSize").asInt()).isEqualTo(10);
            assertThat(body.get("items")).hasSize(page < 5 ? 10 : 8);
            body.get("items").forEach(item -> assertThat(seen.add(item.get("submissionId").asText())).isTrue());
        }
        assertThat(seen).hasSize(TOTAL);
        assertThat(results(job, Map.of("page", "6", "page_size", "10")).get("items")).isEmpty();
    }

    @Test
    void aCursorPagesToTheEndInSortOrderEachResultOnce() {
        String job = gradedJob();
        for (String order : List.of("asc", "desc")) {
            List<JsonNode> items = new ArrayList<>();
            Map<String, String> query = Map.of("sort_by", "score", "sort_order", order, "page_size", "7");
            JsonNode page = results(job, query);
            int pages = 1;
            items.addAll(listOf(page.get("items")));
            while (!page.get("nextCursor").isNull()) {
                // the cursor alone continues: same sort, next page
                page = results(job, Map.of("cursor", page.get("nextCursor").asText(), "page_size", "7"));
                pages++;
                assertThat(page.get("page").asInt()).isEqualTo(pages);
                assertThat(page.get("total").asInt()).isEqualTo(TOTAL);
                items.addAll(listOf(page.get("items")));
            }
            assertThat(pages).isEqualTo((TOTAL + 6) / 7);
            assertThat(items).extracting(item -> item.get("submissionId").asText()).doesNotHaveDuplicates()
                    .hasSize(TOTAL);
            List<BigDecimal> scores = items.stream().map(item -> item.get("score").decimalValue()).toList();
            assertThat(scores).isSortedAccordingTo("asc".equals(order) ? BigDecimal::compareTo
                    : (a, b) -> b.compareTo(a));
        }
    }

    @Test
    void aCursorDoesNotMixWithAnotherSortOrWithPage() {
        String job = gradedJob();
        String cursor = results(job, Map.of("sort_by", "score", "page_size", "5")).get("nextCursor").asText();
        expectValidation(given().queryParam("cursor", cursor).queryParam("sort_by", "studentId")
                .when().get("/api/v1/grading-jobs/" + job + "/results").then(), "cursor");
        expectValidation(given().queryParam("cursor", cursor).queryParam("page", "2")
                .when().get("/api/v1/grading-jobs/" + job + "/results").then(), "cursor");
    }

    /** The export read back with an independent CSV reader. */
    private static List<List<String>> csvRecords(String csv) {
        try (MappingIterator<List<String>> rows = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .readerForListOf(String.class).readValues(csv)) {
            return rows.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "cursor, bm90LWEtY3Vyc29y, cursor",
            "cursor, '', cursor",
            "filter[studentId, s01, filter[studentId",
            "filter, s01, filter",
            "filter[], s01, filter[]",
            "pge, 2, pge",
            "sort_by, answer, sort_by",
            "sort_order, sideways, sort_order",
            "filter[answer], x, filter[answer]",
            "filter[score], high, filter[score]",
            "filter[questionNumber], 1.5, filter[questionNumber]",
            "fields, 'studentId,tenantId', fields",
            "page_size, 201, page_size",
            "page, 0, page"})
    void badResultQueriesAre400(String name, String value, String field) {
        expectValidation(given().queryParam(name, value).when().get("/api/v1/grading-jobs/" + gradedJob() + "/results")
                .then(), field);
    }

    @Test
    void csvExportHasAHeaderAndOneRowPerResult() {
        String job = gradedJob();
        var response = given().queryParam("format", "csv").when().get("/api/v1/grading-jobs/" + job + "/export")
                .then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("attachment"))
                .extract();
        String csv = response.asString();
        assertThat(csv.lines().toList()).hasSize(TOTAL + 1);
        List<List<String>> records = csvRecords(csv);
        assertThat(records.get(0)).startsWith("student_id", "question_number", "score", "max_score");
        assertThat(records).hasSize(TOTAL + 1);
        Map<String, BigDecimal> expected = expectedScores();
        Set<String> keys = new HashSet<>();
        for (List<String> record : records.subList(1, records.size())) {
            String key = record.get(0) + "/" + record.get(1);
            assertThat(keys.add(key)).as("one row for " + key).isTrue();
            assertThat(new BigDecimal(record.get(2))).as(key).isEqualByComparingTo(expected.get(key));
            assertThat(new BigDecimal(record.get(3))).isEqualByComparingTo(key.endsWith("/1") ? "10" : "5");
        }
        assertThat(keys).isEqualTo(expected.keySet());

        // csv is the default, and the name is case-insensitive
        assertThat(given().when().get("/api/v1/grading-jobs/" + job + "/export").then().statusCode(200).extract().asString())
                .isEqualTo(csv);
        given().queryParam("format", "CSV").when().get("/api/v1/grading-jobs/" + job + "/export").then().statusCode(200);
    }

    @Test
    void otherExportFormatsAre400() {
        expectValidation(given().queryParam("format", "xml").when().get("/api/v1/grading-jobs/" + gradedJob() + "/export")
                .then(), "format");
        expectValidation(given().queryParam("format", "pdf").when().get("/api/v1/grading-jobs/" + gradedJob() + "/export")
                .then(), "format");
    }

    @Test
    void statisticsMatchTheResults() {
        String job = gradedJob();
        JsonNode stats = JsonCodec.read(given().when().get("/api/v1/grading-jobs/" + job + "/statistics")
                .then().statusCode(200).extract().asString(), JsonNode.class);
        assertThat(stats.get("jobId").asText()).isEqualTo(job);

        Map<Integer, List<BigDecimal>> byQuestion = new TreeMap<>();
        for (JsonNode item : results(job, Map.of("page_size", "200")).get("items")) {
            byQuestion.computeIfAbsent(item.get("questionNumber").asInt(), n -> new ArrayList<>())
                    .add(item.get("score").decimalValue());
        }
        assertThat(stats.get("questions")).hasSize(2);
        for (JsonNode question : stats.get("questions")) {
            List<BigDecimal> scores = byQuestion.get(question.get("questionNumber").asInt());
            BigDecimal n = BigDecimal.valueOf(scores.size());
            BigDecimal mean = scores.stream().reduce(BigDecimal.ZERO, BigDecimal::add).divide(n, MathContext.DECIMAL64);
            BigDecimal variance = scores.stream().map(s -> s.subtract(mean).pow(2)).reduce(BigDecimal.ZERO, BigDecimal::add)
                    .divide(n, MathContext.DECIMAL64);
            assertThat(question.get("count").asInt()).isEqualTo(scores.size());
            assertThat(question.get("mean").decimalValue()).isEqualByComparingTo(mean.setScale(2, RoundingMode.HALF_UP));
            assertThat(question.get("stdDev").decimalValue())
                    .isEqualByComparingTo(variance.sqrt(MathContext.DECIMAL64).setScale(2, RoundingMode.HALF_UP));
            assertThat(question.get("min").decimalValue()).isEqualByComparingTo(scores.stream().min(BigDecimal::compareTo).orElseThrow());
            assertThat(question.get("max").decimalValue()).isEqualByComparingTo(scores.stream().max(BigDecimal::compareTo).orElseThrow());

            Map<BigDecimal, Long> expectedDistribution = new TreeMap<>();
            scores.forEach(s -> expectedDistribution.merge(s.stripTrailingZeros(), 1L, Long::sum));
            Map<BigDecimal, Long> distribution = new TreeMap<>();
            question.get("distribution").forEach(bucket ->
                    distribution.put(bucket.get("score").decimalValue().stripTrailingZeros(), bucket.get("count").asLong()));
            assertThat(distribution).isEqualTo(expectedDistribution);
        }

        // and by hand: q1 is 6 × {10, 4, 6, 0}: mean 5, variance 13, sd 3.61; q2 is 8 × {5, 3, 0}: mean 2.67, sd 2.05
        JsonNode q1 = stats.get("questions").get(0);
        JsonNode q2 = stats.get("questions").get(1);
        assertThat(q1.get("questionNumber").asInt()).isEqualTo(1);
        assertThat(q1.get("mean").decimalValue()).isEqualByComparingTo("5.00");
        assertThat(q1.get("stdDev").decimalValue()).isEqualByComparingTo("3.61");
        assertThat(q1.get("maxScore").decimalValue()).isEqualByComparingTo("10");
        assertThat(q2.get("mean").decimalValue()).isEqualByComparingTo("2.67");
        assertThat(q2.get("stdDev").decimalValue()).isEqualByComparingTo("2.05");
        assertThat(q2.get("min").decimalValue()).isEqualByComparingTo("0");
        assertThat(q2.get("max").decimalValue()).isEqualByComparingTo("5");
    }

    @Test
    void resultsOfAMalformedJobIdAre404() {
        expectProblem(given().when().get("/api/v1/grading-jobs/xyz/results").then(), 404, "RECORD_NOT_FOUND");
    }

    private static JsonNode results(String job, Map<String, String> query) {
        return JsonCodec.read(given().queryParams(query).when().get("/api/v1/grading-jobs/" + job + "/results")
                .then().statusCode(200).extract().asString(), JsonNode.class);
    }

    private static List<BigDecimal> scores(JsonNode page) {
        List<BigDecimal> scores = new ArrayList<>();
        page.get("items").forEach(item -> scores.add(item.get("score").decimalValue()));
        return scores;
    }
}
