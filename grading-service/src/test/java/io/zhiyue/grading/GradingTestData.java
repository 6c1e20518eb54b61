package io.zhiyue.grading;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.zhiyue.shared.tenant.TenantHeaders;

import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Builds exams through the API so each test owns unique data. */
public final class GradingTestData {

    public static final String CSV = "text/csv; charset=UTF-8";
    public static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);

    private GradingTestData() {
    }

    /** A tenant no other test uses, for assertions on totals of a whole tenant. */
    public static String uniqueTenant() {
        return "test-" + UUID.randomUUID();
    }

    /** A request as the given tenant (null: the default tenant). */
    public static RequestSpecification as(String tenant) {
        RequestSpecification request = given();
        return tenant == null ? request : request.header(TenantHeaders.TENANT, tenant);
    }

    /** Matches a JSON number by decimal value, whatever its scale or how rest-assured typed it (10, 10.0, 10.00). */
    public static Matcher<Object> decimal(String expected) {
        return new TypeSafeMatcher<>(Object.class) {
            @Override
            protected boolean matchesSafely(Object actual) {
                return actual instanceof Number && new BigDecimal(actual.toString()).compareTo(new BigDecimal(expected)) == 0;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a number equal to " + expected);
            }
        };
    }

    public static String createExam(String title) {
        return createExam(null, title, "science");
    }

    public static String createExam(String tenant, String title, String subject) {
        return as(tenant).contentType(ContentType.JSON).body(Map.of("title", title, "subject", subject))
                .when().post("/api/v1/exams")
                .then().statusCode(201).extract().path("id");
    }

    /** Question 1: "photosynthesis" keyword (4) + numeric 3.14 ± 0.01 (6), max 10, step 0.5. */
    public static String addKeywordNumericQuestion(String examId, int number) {
        return addQuestion(examId, number, 10, keywordNumericRubric());
    }

    public static Map<String, Object> keywordNumericRubric() {
        return Map.of("points", List.of(
                Map.of("id", "kw", "description", "names the process", "points", 4,
                        "match", Map.of("anyOf", List.of("photosynthesis", "光合作用"))),
                Map.of("id", "pi", "description", "gives pi", "points", 6,
                        "match", Map.of("numeric", Map.of("value", 3.14, "tolerance", 0.01)))));
    }

    /** One point worth {@code points} for any of the phrases. */
    public static Map<String, Object> keywordRubric(String id, int points, String... phrases) {
        return Map.of("points", List.of(Map.of("id", id, "description", "mentions " + phrases[0], "points", points,
                "match", Map.of("anyOf", List.of(phrases)))));
    }

    public static String addQuestion(String examId, int number, int maxScore, Map<String, Object> rubric) {
        return postQuestion(null, examId, question(number, maxScore, rubric)).statusCode(201).extract().path("id");
    }

    public static Map<String, Object> question(int number, Object maxScore, Map<String, Object> rubric) {
        return Map.of("number", number, "prompt", "Question " + number, "maxScore", maxScore, "scoreStep", 0.5,
                "rubric", rubric);
    }

    /**
     * Adds question {@code number} (max {@code maxScore}, step 0.5) in ai mode without rubric points:
     * until five of its answers carry a teacher mark no grader can propose, so every answer goes to
     * people. Answers the question's id.
     */
    public static String addAiQuestionWithoutPoints(String examId, int number, int maxScore) {
        Map<String, Object> body = new HashMap<>(question(number, maxScore, Map.of()));
        body.remove("rubric");
        body.put("marking", Map.of("mode", "ai"));
        return postQuestion(null, examId, body).statusCode(201).extract().path("id");
    }

    public static ValidatableResponse postQuestion(String tenant, String examId, Object body) {
        return as(tenant).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/exams/" + examId + "/questions").then();
    }

    public static ValidatableResponse uploadCsv(String examId, String csv) {
        return uploadCsv(null, examId, csv);
    }

    public static ValidatableResponse uploadCsv(String tenant, String examId, String csv) {
        return as(tenant).contentType(CSV).body(csv).when().post("/api/v1/exams/" + examId + "/submissions").then();
    }

    public static ValidatableResponse uploadJson(String examId, Object body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/exams/" + examId + "/submissions").then();
    }

    /**
     * {@code students} answers to question 1 as one CSV: even students write the full answer (10 of
     * 10 with {@link #keywordNumericRubric}), odd ones only the keyword (4 of 10).
     */
    public static String keywordNumericAnswers(int students) {
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < students; i++) {
            csv.append(String.format("s%05d", i)).append(",1,")
                    .append(i % 2 == 0 ? "\"光合作用, pi ≈ 3.14\"" : "photosynthesis only").append('\n');
        }
        return csv.toString();
    }

    public static String createJob(String examId) {
        return createJob(null, examId);
    }

    public static String createJob(String tenant, String examId) {
        return as(tenant).when().post("/api/v1/exams/" + examId + "/grading-jobs")
                .then().statusCode(201).body("state", equalTo("CREATED")).extract().path("id");
    }

    public static ValidatableResponse control(String jobId, String action) {
        return given().when().post("/api/v1/grading-jobs/" + jobId + "/" + action).then();
    }

    public static ValidatableResponse job(String jobId) {
        return given().when().get("/api/v1/grading-jobs/" + jobId).then().statusCode(200);
    }

    public static String state(String jobId) {
        return job(jobId).extract().path("state");
    }

    public static void awaitState(String jobId, String state) {
        await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> job(jobId).body("state", equalTo(state)));
    }

    /** Creates a job, starts it and waits until it is COMPLETED; answers the job id. */
    public static String gradeToCompletion(String examId) {
        String jobId = createJob(examId);
        control(jobId, "start").statusCode(200);
        awaitState(jobId, "COMPLETED");
        return jobId;
    }
}
