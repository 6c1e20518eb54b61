package io.zhiyue.gateway.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class ForwardingResourceTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @InjectGradingStub
    GradingStub grading;

    @Test
    void aSemicolonInAQueryValueIsForwardedAsPartOfTheValue() {
        String examId = UUID.randomUUID().toString();
        given().urlEncodingEnabled(false)
                .when().get("/api/v1/exams/" + examId + "/submissions?filter[studentId]=a;b&page=2")
                .then().statusCode(200);

        GradingStub.Recorded forwarded = grading.last("GET", "/api/v1/exams/" + examId + "/submissions");
        assertThat(forwarded.query()).containsEntry("filter[studentId]", List.of("a;b"))
                .containsEntry("page", List.of("2")).hasSize(2);
    }

    @Test
    void listQueryIsForwardedUnchangedIncludingBracketedFilters() {
        given()
                .queryParam("page", "2")
                .queryParam("page_size", "5")
                .queryParam("sort_by", "createdAt")
                .queryParam("sort_order", "desc")
                .queryParam("filter[subject]", "math")
                .queryParam("fields", "id,title")
                .when().get("/api/v1/exams")
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"))
                .body("method", equalTo("GET"))
                .body("path", equalTo("/api/v1/exams"))
                .body("query.page", equalTo(List.of("2")))
                .body("query.page_size", equalTo(List.of("5")))
                .body("query.sort_by", equalTo(List.of("createdAt")))
                .body("query.sort_order", equalTo(List.of("desc")))
                .body("query.fields", equalTo(List.of("id,title")))
                .body("query.'filter[subject]'", equalTo(List.of("math")));
    }

    @Test
    void callerIdentityHeadersAreReplacedAndRequestIdPassesThrough() {
        String examId = UUID.randomUUID().toString();
        given()
                .header("X-ZhiYue-Tenant", "evil")
                .header("X-ZhiYue-Subject", "mallory")
                .header("X-ZhiYue-Roles", "admin")
                .header("X-Request-Id", "req-" + examId)
                .when().get("/api/v1/exams/{examId}", examId)
                .then()
                .statusCode(200)
                .header("X-Request-Id", equalTo("req-" + examId))
                .body("path", equalTo("/api/v1/exams/" + examId))
                .body("tenant", equalTo("demo-school"))
                .body("subject", equalTo("teacher-test"))
                .body("roles", equalTo("admin,teacher,chief,platform-admin"))
                .body("requestId", equalTo("req-" + examId));

        GradingStub.Recorded forwarded = grading.last("GET", "/api/v1/exams/" + examId);
        assertThat(forwarded.headers().get("X-zhiyue-tenant")).containsExactly("demo-school");
    }

    @Test
    void requestIdIsCreatedWhenTheCallerSendsNone() {
        String examId = UUID.randomUUID().toString();
        String requestId = given().when().get("/api/v1/exams/{examId}", examId)
                .then().statusCode(200).header("X-Request-Id", notNullValue())
                .extract().header("X-Request-Id");
        assertThat(grading.last("GET", "/api/v1/exams/" + examId).header("X-Request-Id")).isEqualTo(requestId);
    }

    @Test
    void createdAnswerWithLocationPassesThrough() {
        String examId = UUID.randomUUID().toString();
        String created = "{\"id\":\"" + examId + "\",\"title\":\"Midterm\",\"subject\":\"math\"}";
        grading.respond("POST", "/api/v1/exams", 201, "application/json", created,
                Map.of("Location", "/api/v1/exams/" + examId));
        String request = "{\"title\":\"Midterm\",\"subject\":\"math\"}";

        given()
                .contentType("application/json")
                .body(request.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/exams")
                .then()
                .statusCode(201)
                .header("Location", equalTo("/api/v1/exams/" + examId))
                .contentType(startsWith("application/json"))
                .body(equalTo(created));

        GradingStub.Recorded forwarded = grading.last("POST", "/api/v1/exams");
        assertThat(new String(forwarded.body(), StandardCharsets.UTF_8)).isEqualTo(request);
        assertThat(forwarded.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void csvSubmissionsAreForwardedByteForByteWithTheirContentType() {
        String examId = UUID.randomUUID().toString();
        String csv = "student_id,question_number,answer\ns-001,1,\"光合作用, oxygen\"\ns-002,1,42\n";

        given()
                .contentType("text/csv; charset=UTF-8")
                .body(csv.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/exams/{examId}/submissions", examId)
                .then()
                .statusCode(200)
                .body("method", equalTo("POST"))
                .body("path", equalTo("/api/v1/exams/" + examId + "/submissions"));

        GradingStub.Recorded forwarded = grading.last("POST", "/api/v1/exams/" + examId + "/submissions");
        assertThat(forwarded.body()).isEqualTo(csv.getBytes(StandardCharsets.UTF_8));
        assertThat(forwarded.header("Content-Type")).isEqualTo("text/csv; charset=UTF-8");
    }

    @Test
    void jsonSubmissionsAreForwarded() {
        String examId = UUID.randomUUID().toString();
        String json = "[{\"studentId\":\"s-001\",\"questionNumber\":1,\"answer\":\"oxygen\"}]";

        given()
                .contentType("application/json")
                .body(json)
                .when().post("/api/v1/exams/{examId}/submissions", examId)
                .then()
                .statusCode(200)
                .body("contentType", startsWith("application/json"))
                .body("body", equalTo(json));
    }

    @Test
    void rubricReplacementIsForwardedAsPut() {
        String questionId = UUID.randomUUID().toString();
        String rubric = "{\"points\":[{\"id\":\"p1\",\"description\":\"names oxygen\",\"points\":2,"
                + "\"match\":{\"anyOf\":[\"oxygen\"]}}]}";
        given()
                .contentType("application/json")
                .body(rubric)
                .when().put("/api/v1/questions/{questionId}/rubric", questionId)
                .then()
                .statusCode(200)
                .body("method", equalTo("PUT"))
                .body("path", equalTo("/api/v1/questions/" + questionId + "/rubric"))
                .body("body", equalTo(rubric));
    }

    @Test
    void autoAcceptSwitchIsForwardedAsPut() {
        String questionId = UUID.randomUUID().toString();
        String body = "{\"enabled\":true}";
        given()
                .contentType("application/json")
                .body(body)
                .when().put("/api/v1/questions/{questionId}/marking/auto-accept", questionId)
                .then()
                .statusCode(200)
                .body("method", equalTo("PUT"))
                .body("path", equalTo("/api/v1/questions/" + questionId + "/marking/auto-accept"))
                .body("body", equalTo(body));
    }

    @Test
    void reviewQueueRoutesAreForwarded() {
        String examId = UUID.randomUUID().toString();
        given().queryParam("filter[questionNumber]", 1)
                .when().get("/api/v1/exams/{examId}/review-items", examId)
                .then()
                .statusCode(200)
                .body("method", equalTo("GET"))
                .body("path", equalTo("/api/v1/exams/" + examId + "/review-items"));
        String itemId = UUID.randomUUID().toString();
        String body = "{\"score\":2,\"markerId\":\"t1\"}";
        given()
                .contentType("application/json")
                .body(body)
                .when().post("/api/v1/review-items/{itemId}/marks", itemId)
                .then()
                .statusCode(200)
                .body("method", equalTo("POST"))
                .body("path", equalTo("/api/v1/review-items/" + itemId + "/marks"))
                .body("body", equalTo(body));
    }

    @Test
    void markingRoutesAreForwarded() {
        String examId = UUID.randomUUID().toString();
        String questionId = UUID.randomUUID().toString();
        String groupId = UUID.randomUUID().toString();
        String csv = "student_id,question_number,score,marker_id\ns1,1,3,t1\n";
        given().contentType("text/csv").body(csv)
                .when().post("/api/v1/exams/{examId}/marks", examId)
                .then().statusCode(200)
                .body("method", equalTo("POST")).body("path", equalTo("/api/v1/exams/" + examId + "/marks"))
                .body("contentType", startsWith("text/csv")).body("body", equalTo(csv));
        String allocation = "{\"markers\":[{\"markerId\":\"t1\",\"questionNumbers\":[1]}]}";
        given().contentType("application/json").body(allocation)
                .when().put("/api/v1/exams/{examId}/markers", examId)
                .then().statusCode(200)
                .body("method", equalTo("PUT")).body("path", equalTo("/api/v1/exams/" + examId + "/markers"))
                .body("body", equalTo(allocation));
        for (String path : List.of("/api/v1/exams/" + examId + "/markers", "/api/v1/exams/" + examId + "/markers/quality",
                "/api/v1/exams/" + examId + "/grading-jobs", "/api/v1/review-items/" + groupId + "/exemplars",
                "/api/v1/exams/" + examId + "/quality", "/api/v1/questions/" + questionId + "/answer-groups",
                "/api/v1/questions/" + questionId + "/exemplar-suggestions")) {
            given().when().get(path).then().statusCode(200).body("method", equalTo("GET")).body("path", equalTo(path));
        }
        for (String path : List.of("/api/v1/exams/" + examId + "/review-items/next",
                "/api/v1/answer-groups/" + groupId + "/marks", "/api/v1/questions/" + questionId + "/embeddings")) {
            given().contentType("application/json").body("{\"markerId\":\"t1\"}").when().post(path)
                    .then().statusCode(200).body("method", equalTo("POST")).body("path", equalTo(path));
        }
    }

    @Test
    void downstreamNotFoundProblemPassesThroughUnchanged() {
        String examId = UUID.randomUUID().toString();
        String problem = "{\"type\":\"https://zhiyue.io/problems/record-not-found\",\"title\":\"Record not found\","
                + "\"status\":404,\"detail\":\"exam " + examId + " does not exist\",\"code\":\"RECORD_NOT_FOUND\"}";
        grading.respond("GET", "/api/v1/exams/" + examId, 404, PROBLEM_JSON, problem);

        given().when().get("/api/v1/exams/{examId}", examId)
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM_JSON))
                .body(equalTo(problem));
    }

    @Test
    void illegalTransitionConflictPassesThroughUnchanged() {
        String jobId = UUID.randomUUID().toString();
        String problem = "{\"type\":\"https://zhiyue.io/problems/illegal-state\",\"title\":\"Illegal state\","
                + "\"status\":409,\"detail\":\"job is COMPLETED\",\"code\":\"ILLEGAL_STATE\"}";
        grading.respond("POST", "/api/v1/grading-jobs/" + jobId + "/start", 409, PROBLEM_JSON, problem);

        given().when().post("/api/v1/grading-jobs/{jobId}/start", jobId)
                .then()
                .statusCode(409)
                .contentType(startsWith(PROBLEM_JSON))
                .body(equalTo(problem));
        assertThat(grading.count("POST", "/api/v1/grading-jobs/" + jobId + "/start"))
                .as("a POST is never retried").isEqualTo(1);
    }

    @Test
    void jobCommandsAndReadsKeepTheirPaths() {
        String jobId = UUID.randomUUID().toString();
        for (String action : List.of("start", "pause", "resume", "cancel")) {
            given().when().post("/api/v1/grading-jobs/{jobId}/" + action, jobId)
                    .then().statusCode(200)
                    .body("method", equalTo("POST"))
                    .body("path", equalTo("/api/v1/grading-jobs/" + jobId + "/" + action));
        }
        for (String read : List.of("", "/results", "/statistics")) {
            given().queryParam("page_size", "20").when().get("/api/v1/grading-jobs/" + jobId + read)
                    .then().statusCode(200)
                    .body("path", equalTo("/api/v1/grading-jobs/" + jobId + read))
                    .body("query.page_size", equalTo(List.of("20")));
        }
        String examId = UUID.randomUUID().toString();
        given().contentType("application/json").body("{}")
                .when().post("/api/v1/exams/{examId}/grading-jobs", examId)
                .then().statusCode(200).body("path", equalTo("/api/v1/exams/" + examId + "/grading-jobs"));
        given().when().get("/api/v1/exams/{examId}/questions", examId)
                .then().statusCode(200).body("path", equalTo("/api/v1/exams/" + examId + "/questions"));
        given().when().get("/api/v1/exams/{examId}/submissions", examId)
                .then().statusCode(200).body("path", equalTo("/api/v1/exams/" + examId + "/submissions"));
        given().contentType("application/json").body("{\"number\":1}")
                .when().post("/api/v1/exams/{examId}/questions", examId)
                .then().statusCode(200).body("body", equalTo("{\"number\":1}"));
    }

    @Test
    void csvExportPassesThroughAsCsv() {
        String jobId = UUID.randomUUID().toString();
        String csv = "student_id,question_number,score,max_score\ns-001,1,2.5,5\n";
        grading.respond("GET", "/api/v1/grading-jobs/" + jobId + "/export", 200, "text/csv; charset=UTF-8", csv,
                Map.of("Content-Disposition", "attachment; filename=\"results.csv\""));

        Response response = given().queryParam("format", "csv")
                .when().get("/api/v1/grading-jobs/{jobId}/export", jobId);

        response.then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("results.csv"));
        assertThat(response.asByteArray()).isEqualTo(csv.getBytes(StandardCharsets.UTF_8));
        assertThat(grading.last("GET", "/api/v1/grading-jobs/" + jobId + "/export").query())
                .containsEntry("format", List.of("csv"));
    }

    /** A submission's explanation, and a review item's (the marker never learns the submission). */
    @ParameterizedTest
    @ValueSource(strings = {"submissions", "review-items"})
    void anExplanationIsRelayedAsServerSentEvents(String resource) {
        String id = UUID.randomUUID().toString();
        String events = "event: token\ndata: {\"type\":\"token\",\"text\":\"It\"}\n\n"
                + "event: token\ndata: {\"type\":\"token\",\"text\":\" names\"}\n\n"
                + "event: done\ndata: {\"type\":\"done\",\"tokensIn\":10,\"tokensOut\":2}\n\n";
        grading.respond("GET", "/api/v1/" + resource + "/" + id + "/explanation", 200,
                "text/event-stream;charset=UTF-8", events);

        given().accept("text/event-stream").when().get("/api/v1/" + resource + "/{id}/explanation", id)
                .then().statusCode(200).contentType(startsWith("text/event-stream")).body(equalTo(events));
    }

    @Test
    void anExplanationRefusedDownstreamIsRelayedAsItsProblem() {
        String submissionId = UUID.randomUUID().toString();
        String problem = "{\"status\":403,\"code\":\"AUTHORIZATION_ERROR\",\"detail\":\"not opted in\"}";
        grading.respond("GET", "/api/v1/submissions/" + submissionId + "/explanation", 403, PROBLEM_JSON, problem);

        given().accept("text/event-stream").when().get("/api/v1/submissions/{id}/explanation", submissionId)
                .then().statusCode(403).contentType(startsWith(PROBLEM_JSON)).body(equalTo(problem));
        given().when().get("/api/v1/submissions/not-a-uuid/explanation").then().statusCode(404)
                .contentType(startsWith(PROBLEM_JSON));
    }

    @Test
    void anExportOfSomethingThatIsNoJobIdIs404AndGoesNowhere() {
        int before = grading.requests().size();
        given().urlEncodingEnabled(false)
                .when().get("/api/v1/grading-jobs/..%2F..%2F..%2Fq%2Fhealth%3F/export")
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM_JSON));
        assertThat(grading.requests()).hasSize(before);
    }

    @Test
    void downstreamServerErrorIsRelayedWithItsBodyAndRetryAfter() {
        String jobId = UUID.randomUUID().toString();
        String problem = "{\"status\":503,\"code\":\"DEPENDENCY_UNAVAILABLE\",\"detail\":\"database is down\"}";
        grading.respond("GET", "/api/v1/grading-jobs/" + jobId + "/statistics", 503, PROBLEM_JSON, problem,
                Map.of("Retry-After", "7"));

        given().when().get("/api/v1/grading-jobs/{jobId}/statistics", jobId)
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("7"))
                .body(equalTo(problem));
        assertThat(grading.count("GET", "/api/v1/grading-jobs/" + jobId + "/statistics"))
                .as("idempotent reads are retried").isEqualTo(3);
    }

    @Test
    void oversizedBodyIsRefusedWithProblemJson() {
        byte[] big = new byte[StubbedGradingProfile.MAX_BODY_BYTES + 1];
        Arrays.fill(big, (byte) 'a');
        String examId = UUID.randomUUID().toString();

        given().contentType("text/csv").body(big)
                .when().post("/api/v1/exams/{examId}/submissions", examId)
                .then()
                .statusCode(413)
                .contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("PAYLOAD_TOO_LARGE"))
                .body(not(containsString("Exception")));
        assertThat(grading.count("POST", "/api/v1/exams/" + examId + "/submissions")).isZero();
    }

    @Test
    void aChunkedBodyPastTheLimitIsRefusedWithProblemJsonAndNotForwarded() {
        String examId = UUID.randomUUID().toString();
        // an InputStream body has no length: it goes out chunked
        InputStream chunked = new ByteArrayInputStream(new byte[StubbedGradingProfile.MAX_BODY_BYTES * 4]);

        given().contentType("text/csv").body(chunked)
                .when().post("/api/v1/exams/{examId}/submissions", examId)
                .then()
                .statusCode(413)
                .contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));
        assertThat(grading.count("POST", "/api/v1/exams/" + examId + "/submissions")).isZero();
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void anOverlongUriAndOversizedHeadersAreProblemsBeforeAnythingIsForwarded() {
        long before = grading.count("GET", "/api/v1/exams");
        for (int length : new int[] {9_000, 70_000}) {
            given().queryParam("filter[title]", "x".repeat(length))
                    .when().get("/api/v1/exams")
                    .then()
                    .statusCode(414)
                    .contentType(startsWith(PROBLEM_JSON))
                    .body("code", equalTo("URI_TOO_LONG"));
        }
        given().header("X-Padding", "y".repeat(20_000))
                .when().get("/api/v1/exams")
                .then()
                .statusCode(431)
                .contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("HEADERS_TOO_LARGE"));
        assertThat(grading.count("GET", "/api/v1/exams")).isEqualTo(before);
    }

    @Test
    void unsupportedMediaTypeIsAProblem() {
        given().contentType("text/plain").body("hello")
                .when().post("/api/v1/exams")
                .then()
                .statusCode(415)
                .contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("UNSUPPORTED_MEDIA_TYPE"))
                .body(not(containsString("Exception")));
    }

    @Test
    void unsupportedMethodIsAProblem() {
        given().when().delete("/api/v1/exams")
                .then()
                .statusCode(405)
                .contentType(startsWith(PROBLEM_JSON))
                .body("status", equalTo(405));
    }

    @Test
    void unknownPathIsAProblem() {
        given().when().get("/api/v1/no-such-thing")
                .then()
                .statusCode(404)
                .contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("RECORD_NOT_FOUND"));
    }

    @Test
    void hangingDownstreamIsCutOffWith503() {
        String examId = UUID.randomUUID().toString();
        grading.respondSlowly("POST", "/api/v1/exams/" + examId + "/submissions", java.time.Duration.ofSeconds(3));

        given().contentType("application/json").body("[]")
                .when().post("/api/v1/exams/{examId}/submissions", examId)
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"));
    }
}
