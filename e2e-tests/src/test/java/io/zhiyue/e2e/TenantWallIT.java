package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.CheckpointIds;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.LocalIdentity;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tenant walls across every service, through the real gateway: another school's exams, questions,
 * submissions, jobs, results, review queue, quality, markers, overrides, release, sagas and checkpoints
 * answer 404 to reads and writes alike and nothing of them changes; a student sees their own released
 * results only; injection attempts in paths, queries and bodies are 4xx or stored literally, never a
 * 5xx, and nothing else changes.
 */
class TenantWallIT {

    private static final String OTHER_SCHOOL = "north-school";

    private static SuiteProcesses suite;
    private static GatewayClient school;
    private static GatewayClient other;
    private static String examId;
    private static String questionId;
    private static String jobId;
    private static String submissionId;
    private static String student;
    private static String sagaId;
    private static String thread;
    private static String resultsBefore;

    @BeforeAll
    static void startSystem() {
        suite = SuiteProcesses.start("e2e-walls", Devstack.shared(), 1, Map.of());
        school = suite.gateway();
        other = school.withToken(LocalIdentity.token(OTHER_SCHOOL, "eve", LocalIdentity.STAFF_ROLES));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        student = "wall-" + tag;
        examId = SagaEndToEndIT.keywordExam(school, "walls " + tag);
        questionId = school.getJson("exams/" + examId + "/questions").path("items").get(0).path("id").asText();
        school.uploadCsv(examId, "student_id,question_number,answer\n" + student + ",1,植物通过光合作用获得能量\n"
                + "peer-" + tag + ",1,不知道\n");
        jobId = school.startJob(school.createJob(examId).id()).id();
        await().atMost(Duration.ofMinutes(2)).until(() -> school.job(jobId).isFinal());
        submissionId = school.getJson("grading-jobs/" + jobId + "/results?filter[studentId]=" + student)
                .path("items").get(0).path("submissionId").asText();
        sagaId = school.postJson("submissions/" + submissionId + "/override",
                Map.of("jobId", jobId, "score", 3, "reason", "wall test"), 202).path("sagaId").asText();
        await().atMost(Duration.ofMinutes(1)).until(() ->
                "COMPLETED".equals(school.getJson("sagas/" + sagaId).path("state").asText()));
        thread = jobId;
        school.putJson("checkpoints/" + thread + "/llm/" + CheckpointIds.at(System.currentTimeMillis()),
                Map.of("state", Map.of("replies", Map.of())), 201);
        resultsBefore = school.getJson("grading-jobs/" + jobId + "/results").path("items").toString();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void anotherSchoolsResourcesAreNotFoundForReadsAndWritesAndStayAsTheyWere() {
        String question = JsonCodec.write(Map.of("number", 2, "prompt", "p", "maxScore", 4, "rubric",
                Map.of("points", List.of(Map.of("id", "a", "description", "a", "points", 1,
                        "match", Map.of("anyOf", List.of("x")))))));
        String checkpoint = "checkpoints/" + thread + "/llm";
        List<String[]> calls = List.of(
                new String[] {"GET", "exams/" + examId, null},
                new String[] {"GET", "exams/" + examId + "/questions", null},
                new String[] {"POST", "exams/" + examId + "/questions", question},
                new String[] {"GET", "exams/" + examId + "/submissions", null},
                new String[] {"POST", "exams/" + examId + "/submissions",
                        "[{\"studentId\":\"x\",\"questionNumber\":1,\"answer\":\"a\"}]"},
                new String[] {"POST", "exams/" + examId + "/grading-jobs", "{}"},
                new String[] {"GET", "exams/" + examId + "/review-items", null},
                new String[] {"GET", "exams/" + examId + "/quality", null},
                new String[] {"GET", "exams/" + examId + "/grading-jobs", null},
                new String[] {"GET", "exams/" + examId + "/markers", null},
                new String[] {"PUT", "exams/" + examId + "/markers",
                        "{\"markers\":[{\"markerId\":\"m\",\"questionNumbers\":[1]}]}"},
                new String[] {"POST", "exams/" + examId + "/release", null},
                new String[] {"PUT", "questions/" + questionId + "/rubric",
                        "{\"points\":[{\"id\":\"a\",\"description\":\"a\",\"points\":1,\"match\":{\"anyOf\":[\"y\"]}}]}"},
                new String[] {"GET", "questions/" + questionId + "/answer-groups", null},
                new String[] {"GET", "grading-jobs/" + jobId, null},
                new String[] {"GET", "grading-jobs/" + jobId + "/results", null},
                new String[] {"GET", "grading-jobs/" + jobId + "/statistics", null},
                new String[] {"GET", "grading-jobs/" + jobId + "/export?format=csv", null},
                new String[] {"POST", "grading-jobs/" + jobId + "/cancel", null},
                new String[] {"POST", "submissions/" + submissionId + "/override",
                        "{\"jobId\":\"" + jobId + "\",\"score\":0,\"reason\":\"not mine\"}"},
                new String[] {"GET", "sagas/" + sagaId, null},
                new String[] {"POST", "sagas/" + sagaId + "/actions",
                        "{\"action\":\"resolve\",\"step\":2,\"reason\":\"not mine\"}"},
                new String[] {"GET", checkpoint + "/latest", null},
                new String[] {"DELETE", "checkpoints/" + thread, null});
        List<String> wrong = new ArrayList<>();
        for (String[] call : calls) {
            HttpResponse<String> response = other.call(call[0], call[1], call[2]);
            if (response.statusCode() != 404 || !response.body().contains("RECORD_NOT_FOUND")) {
                wrong.add(call[0] + " " + call[1] + " -> " + response.statusCode() + " " + response.body());
            }
        }
        assertThat(wrong).as("another school's answers").isEmpty();

        // lists never show another school's rows
        assertThat(other.getJson("exams?page_size=200").path("items").toString()).doesNotContain(examId);
        assertThat(other.getJson("sagas?page_size=200").path("items").toString()).doesNotContain(sagaId);
        assertThat(other.getJson(checkpoint).path("items")).isEmpty();

        // and nothing of the school's changed
        assertThat(school.getJson("exams/" + examId).path("id").asText()).isEqualTo(examId);
        assertThat(school.job(jobId).state()).isEqualTo("COMPLETED");
        assertThat(school.getJson("grading-jobs/" + jobId + "/results").path("items").toString()).isEqualTo(resultsBefore);
        assertThat(school.getJson("exams/" + examId + "/questions").path("items")).hasSize(1);
        assertThat(school.getJson("checkpoints/" + thread + "/llm/latest").path("state").isObject()).isTrue();
        assertThat(school.getJson("sagas/" + sagaId).path("state").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void identityHeadersFromOutsideAreIgnored() {
        HttpResponse<String> response = other.call("GET", "exams/" + examId, null);
        assertThat(response.statusCode()).isEqualTo(404);
        // forged identity headers change nothing: with the other school's token they are replaced, and
        // without a token they are no identity at all
        assertThat(sendRaw(other, "exams/" + examId, Map.of("X-ZhiYue-Tenant", "demo-school",
                "X-ZhiYue-Roles", "admin"))).isEqualTo(404);
        assertThat(sendRaw(school.withToken(null), "exams/" + examId, Map.of("X-ZhiYue-Tenant", "demo-school",
                "X-ZhiYue-Subject", "demo-teacher", "X-ZhiYue-Roles", "admin"))).isEqualTo(401);
    }

    @Test
    void aStudentSeesTheirOwnResultsOnlyOnceReleased() {
        GatewayClient me = school.withToken(LocalIdentity.token(student, Set.of("student")));
        String other = "peer-x";
        assertThat(me.getJson("students/" + student + "/results").path("items")).isEmpty();
        assertThat(me.call("GET", "students/" + other + "/results", null).statusCode()).isEqualTo(403);
        assertThat(me.call("GET", "exams/" + examId, null).statusCode()).isEqualTo(403);

        JsonNode release = school.postJson("exams/" + examId + "/release", Map.of(), 200);
        assertThat(release.path("examId").asText()).isEqualTo(examId);

        JsonNode items = me.getJson("students/" + student + "/results").path("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("examId").asText()).isEqualTo(examId);
        assertThat(items.get(0).path("score").decimalValue()).isEqualByComparingTo("3");
        // the same student id in another school sees nothing
        GatewayClient namesake = school.withToken(LocalIdentity.token(OTHER_SCHOOL, student, Set.of("student")));
        assertThat(namesake.getJson("students/" + student + "/results").path("items")).isEmpty();
    }

    @Test
    void injectionAttemptsAreRefusedOrStoredLiterallyAndChangeNothingElse() {
        int examsBefore = school.getJson("exams?page_size=200").path("items").size();
        List<String> paths = List.of(
                "exams/" + encode("' OR '1'='1"),
                "exams/" + encode(examId + "'; DROP TABLE exams; --"),
                "grading-jobs/" + encode("1 OR 1=1") + "/results",
                "exams?sort_by=" + encode("title; DROP TABLE exams"),
                "exams?filter[" + encode("title) OR (1=1") + "]=x",
                "exams?page_size=" + encode("10; DELETE FROM exams"),
                "grading-jobs/" + jobId + "/results?filter[studentId]=" + encode("x' OR '1'='1") + "&sort_by=" + encode("score--"),
                "students/" + encode("' OR 1=1 --") + "/results",
                "checkpoints/" + thread + "/" + encode("llm' OR '1'='1") + "?filter[" + encode("a'--") + "]=1");
        List<String> wrong = new ArrayList<>();
        for (String path : paths) {
            HttpResponse<String> response = school.call("GET", path, null);
            if (response.statusCode() >= 500 || response.statusCode() < 400 && !path.contains("students/")) {
                wrong.add(path + " -> " + response.statusCode() + " " + response.body());
            }
        }
        assertThat(wrong).as("answers to injection attempts").isEmpty();

        // a filter value is data: it matches nothing, and returns nothing it should not
        assertThat(school.getJson("grading-jobs/" + jobId + "/results?filter[studentId]=" + encode("x' OR '1'='1"))
                .path("items")).isEmpty();
        // a body is data too: stored as written, or refused when it has the wrong shape
        String title = "'); DROP TABLE exams; --";
        String created = school.createExam(title, "x");
        assertThat(school.getJson("exams/" + created).path("title").asText()).isEqualTo(title);
        assertThat(school.call("POST", "exams/" + examId + "/submissions",
                "[{\"studentId\":{\"$ne\":null},\"questionNumber\":\"1 OR 1=1\",\"answer\":\"a\"}]").statusCode())
                .isLessThan(500);
        assertThat(school.call("POST", "submissions/" + submissionId + "/override",
                "{\"jobId\":\"" + jobId + "' OR '1'='1\",\"score\":\"0; DROP TABLE results\",\"reason\":\"x\"}").statusCode())
                .isBetween(400, 499);

        assertThat(school.getJson("exams?page_size=200").path("items").size()).isEqualTo(examsBefore + 1);
        assertThat(school.getJson("grading-jobs/" + jobId + "/results").path("items").toString()).isEqualTo(resultsBefore);
    }

    private static int sendRaw(GatewayClient client, String path, Map<String, String> headers) {
        try {
            java.net.http.HttpRequest.Builder request = client.authorize(java.net.http.HttpRequest.newBuilder(
                    school.base().resolve("api/v1/" + path)));
            headers.forEach(request::header);
            return java.net.http.HttpClient.newHttpClient().send(request.GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
