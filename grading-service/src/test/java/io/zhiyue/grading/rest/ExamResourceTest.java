package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.as;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.uniqueTenant;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ExamResourceTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void createAnswers201WithLocationAndTheExam() {
        String title = "期中考试 " + UUID.randomUUID();
        var response = given().contentType(ContentType.JSON).body(Map.of("title", "  " + title + " ", "subject", "物理"))
                .when().post("/api/v1/exams")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("id", matchesPattern(UUID_PATTERN))
                .body("title", equalTo(title))
                .body("subject", equalTo("物理"))
                .body("createdAt", notNullValue())
                .extract();
        String id = response.path("id");
        assertThat(response.header("Location")).endsWith("/api/v1/exams/" + id);
        assertThat(response.jsonPath().getMap("$").keySet()).containsExactlyInAnyOrder("id", "title", "subject", "createdAt");
        OffsetDateTime createdAt = OffsetDateTime.parse(response.path("createdAt"));
        assertThat(createdAt).isBetween(OffsetDateTime.now().minusMinutes(5), OffsetDateTime.now().plusMinutes(5));

        given().when().get("/api/v1/exams/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id)).body("title", equalTo(title)).body("subject", equalTo("物理"))
                .body("createdAt", equalTo(response.<String>path("createdAt")));
    }

    @Test
    void subjectIsOptional() {
        given().contentType(ContentType.JSON).body(Map.of("title", "no subject"))
                .when().post("/api/v1/exams")
                .then().statusCode(201).body("title", equalTo("no subject")).body("subject", equalTo(null));
    }

    @Test
    void unknownExamIs404Problem() {
        String id = UUID.randomUUID().toString();
        expectProblem(given().when().get("/api/v1/exams/" + id).then(), 404, "RECORD_NOT_FOUND")
                .body("detail", containsString(id))
                .body("instance", equalTo("/api/v1/exams/" + id));
    }

    @Test
    void malformedIdInPathIs404ProblemNot500() {
        expectProblem(given().when().get("/api/v1/exams/not-a-uuid").then(), 404, "RECORD_NOT_FOUND");
        expectProblem(given().when().get("/api/v1/exams/not-a-uuid/questions").then(), 404, "RECORD_NOT_FOUND");
        expectProblem(given().when().get("/api/v1/grading-jobs/12345").then(), 404, "RECORD_NOT_FOUND");
        expectProblem(given().when().post("/api/v1/grading-jobs/12345/start").then(), 404, "RECORD_NOT_FOUND");
    }

    @Test
    void requestIdIsEchoedInProblems() {
        expectProblem(given().header("X-Request-Id", "req-42").when().get("/api/v1/exams/" + UUID.randomUUID()).then(),
                404, "RECORD_NOT_FOUND")
                .body("requestId", equalTo("req-42"));
    }

    @Test
    void listPagesWithTotal() {
        String tenant = uniqueTenant();
        for (int i = 1; i <= 5; i++) {
            createExam(tenant, "exam " + i, i % 2 == 0 ? "math" : "physics");
        }
        as(tenant).queryParam("page", 1).queryParam("page_size", 2).when().get("/api/v1/exams")
                .then().statusCode(200)
                .body("items", hasSize(2)).body("page", equalTo(1)).body("pageSize", equalTo(2)).body("total", equalTo(5));
        as(tenant).queryParam("page", 3).queryParam("page_size", 2).when().get("/api/v1/exams")
                .then().statusCode(200).body("items", hasSize(1)).body("page", equalTo(3)).body("total", equalTo(5));
        as(tenant).queryParam("page", 4).queryParam("page_size", 2).when().get("/api/v1/exams")
                .then().statusCode(200).body("items", empty()).body("total", equalTo(5));

        // default sort is creation order, and pages neither overlap nor skip
        List<String> all = as(tenant).queryParam("page_size", 200).when().get("/api/v1/exams")
                .then().statusCode(200).body("pageSize", equalTo(200)).extract().path("items.title");
        assertThat(all).containsExactly("exam 1", "exam 2", "exam 3", "exam 4", "exam 5");
        List<String> paged = new ArrayList<>();
        for (int page = 1; page <= 3; page++) {
            paged.addAll(as(tenant).queryParam("page", page).queryParam("page_size", 2).when().get("/api/v1/exams")
                    .then().extract().path("items.title"));
        }
        assertThat(paged).isEqualTo(all);

        as(tenant).when().get("/api/v1/exams").then().statusCode(200).body("page", equalTo(1)).body("pageSize", equalTo(50));
    }

    @Test
    void listSortsFiltersAndSelectsFields() {
        String tenant = uniqueTenant();
        createExam(tenant, "Biology", "science");
        createExam(tenant, "Algebra", "math");
        createExam(tenant, "Calculus", "math");

        as(tenant).queryParam("sort_by", "title").queryParam("sort_order", "desc").when().get("/api/v1/exams")
                .then().statusCode(200).body("items.title", contains("Calculus", "Biology", "Algebra"));
        as(tenant).queryParam("sort_by", "title").when().get("/api/v1/exams")
                .then().statusCode(200).body("items.title", contains("Algebra", "Biology", "Calculus"));

        as(tenant).queryParam("filter[subject]", "math").queryParam("sort_by", "title").when().get("/api/v1/exams")
                .then().statusCode(200).body("total", equalTo(2)).body("items.title", contains("Algebra", "Calculus"))
                .body("items.subject", everyItem(equalTo("math")));
        as(tenant).queryParam("filter[subject]", "history").when().get("/api/v1/exams")
                .then().statusCode(200).body("total", equalTo(0)).body("items", empty());

        var items = as(tenant).queryParam("fields", "id,title").queryParam("sort_by", "title").when().get("/api/v1/exams")
                .then().statusCode(200).body("total", equalTo(3)).extract().jsonPath().getList("items", Map.class);
        assertThat(items).hasSize(3);
        assertThat(items).allSatisfy(item -> assertThat(item.keySet()).containsExactlyInAnyOrder("id", "title"));
        assertThat(items.get(0).get("title")).isEqualTo("Algebra");
    }

    @ParameterizedTest(name = "{0}={1} → 400 on {2}")
    @CsvSource({
            "sort_by, password, sort_by",
            "sort_by, 'title; DROP TABLE exams', sort_by",
            "sort_order, up, sort_order",
            "page_size, 201, page_size",
            "page_size, 0, page_size",
            "page_size, many, page_size",
            "page, 0, page",
            "page, -1, page",
            "page, one, page",
            "fields, 'id,secret', fields",
            "filter[tenantId], demo-school, filter[tenantId]",
            "filter[createdAt], 2024-01-01, filter[createdAt]"})
    void badListParametersAre400WithTheFieldNamed(String name, String value, String field) {
        expectValidation(given().queryParam(name, value).when().get("/api/v1/exams").then(), field);
    }

    @Test
    void severalBadListParametersAreAllReported() {
        expectProblem(given().queryParam("sort_by", "nope").queryParam("page_size", 500).queryParam("fields", "x")
                .when().get("/api/v1/exams").then(), 400, "VALIDATION_ERROR")
                .body("errors.field", hasItems("sort_by", "page_size", "fields"));
    }

    @Test
    void maximumPageSizeIsAccepted() {
        given().queryParam("page_size", 200).when().get("/api/v1/exams").then().statusCode(200).body("pageSize", equalTo(200));
    }

    @Test
    void locationPointsAtAReadableExam() {
        String location = given().contentType(ContentType.JSON).body(Map.of("title", "located"))
                .when().post("/api/v1/exams").then().statusCode(201)
                .extract().header("Location");
        given().when().get(URI.create(location).getPath()).then().statusCode(200).body("title", equalTo("located"));
    }
}
