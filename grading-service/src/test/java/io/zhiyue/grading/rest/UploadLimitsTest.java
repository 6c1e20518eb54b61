package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.GradingTestData;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.rest.Problems.expectProblem;
import static io.zhiyue.grading.rest.Problems.expectValidation;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Limits answer problem+json, and an upload past them stores nothing and leaves the service
 * healthy: a chunked body past the body limit, more rows than the row cap, a very long URI, very
 * large headers; a report of many bad rows lists the first thousand and counts the rest.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class UploadLimitsTest {

    private static final long THIRTY_MB = 30L * 1024 * 1024;

    @Test
    void aChunkedThirtyMegabyteUploadIs413AndTheServiceStaysHealthy() {
        String examId = exam("chunked 30 MB");

        expectProblem(given().contentType(ContentType.JSON).body(jsonRows(THIRTY_MB))
                .when().post("/api/v1/exams/" + examId + "/submissions").then(), 413, "PAYLOAD_TOO_LARGE");

        given().when().get("/q/health/ready").then().statusCode(200);
        submissions(examId).body("total", equalTo(0));
        GradingTestData.uploadCsv(examId, "student_id,question_number,answer\ns1,1,fine\n").statusCode(200)
                .body("accepted", equalTo(1));
    }

    @Test
    void aDeclaredLengthPastTheLimitIs413BeforeAnythingIsRead() {
        String examId = exam("declared 11 MB");
        byte[] body = new byte[11 * 1024 * 1024];
        Arrays.fill(body, (byte) 'x');
        expectProblem(given().contentType("text/csv").body(body)
                .when().post("/api/v1/exams/" + examId + "/submissions").then(), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void moreRowsThanTheCapStoreNothing() {
        String examId = exam("row cap");
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i <= 100_000; i++) {
            csv.append('s').append(i).append(",1,a\n");
        }
        expectValidation(GradingTestData.uploadCsv(examId, csv.toString()), "body");
        submissions(examId).body("total", equalTo(0));
    }

    @Test
    void aReportListsTheFirstThousandRejectedRowsAndCountsTheRest() {
        String examId = exam("many bad rows");
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < 1_500; i++) {
            csv.append('s').append(i).append(",7,no such question\n");
        }
        GradingTestData.uploadCsv(examId, csv.toString()).statusCode(200)
                .body("accepted", equalTo(0))
                .body("rejected", hasSize(1_000))
                .body("rejected[0].row", equalTo(1)).body("rejected[999].row", equalTo(1_000))
                .body("rejectedNotListed", equalTo(500));
    }

    @Test
    void anOverlongUriAndOversizedHeadersAreProblems() {
        expectProblem(given().queryParam("filter[title]", "x".repeat(9_000)).when().get("/api/v1/exams").then(),
                414, "URI_TOO_LONG");
        // far past the application's limit, still short of the parser's: problem+json too
        expectProblem(given().queryParam("filter[title]", "x".repeat(70_000)).when().get("/api/v1/exams").then(),
                414, "URI_TOO_LONG");
        expectProblem(given().header("X-Padding", "y".repeat(20_000)).when().get("/api/v1/exams").then(),
                431, "HEADERS_TOO_LARGE");
        given().when().get("/api/v1/exams").then().statusCode(200);
    }

    private static String exam(String title) {
        String examId = GradingTestData.createExam(title);
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        return examId;
    }

    private static ValidatableResponse submissions(String examId) {
        return given().when().get("/api/v1/exams/" + examId + "/submissions").then().statusCode(200);
    }

    /** A JSON array of submissions, {@code size} bytes long, generated as it is sent (no length: chunked). */
    private static InputStream jsonRows(long size) {
        byte[] row = "{\"studentId\":\"s\",\"questionNumber\":1,\"answer\":\"photosynthesis\"},"
                .getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            private long sent;

            @Override
            public int read() {
                if (sent >= size) {
                    return -1;
                }
                int b = sent == 0 ? '[' : row[(int) ((sent - 1) % row.length)];
                sent++;
                return b;
            }
        };
    }
}
