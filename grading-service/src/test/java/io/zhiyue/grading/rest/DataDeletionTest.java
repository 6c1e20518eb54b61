package io.zhiyue.grading.rest;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.addAiQuestionWithoutPoints;
import static io.zhiyue.grading.GradingTestData.addKeywordNumericQuestion;
import static io.zhiyue.grading.GradingTestData.createExam;
import static io.zhiyue.grading.GradingTestData.createJob;
import static io.zhiyue.grading.GradingTestData.gradeToCompletion;
import static io.zhiyue.grading.GradingTestData.job;
import static io.zhiyue.grading.GradingTestData.uploadCsv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

/**
 * Deletions and erasures as grading-service runs them (README "Data lifecycle"): nothing goes before the
 * confirmation, everything of the answers goes with it, the jobs' counters stay true, the request goes out for
 * every other service, and the record is COMPLETED once each has confirmed. An erasure keeps nothing that names
 * the student, not even its own request on the stream once it is complete.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class DataDeletionTest {

    private static final String HEADER = "student_id,question_number,answer\n";
    private static final String FULL = "光合作用, pi ≈ 3.14";
    private static final List<String> OTHERS = DataDeletionRequested.SERVICES.subList(1,
            DataDeletionRequested.SERVICES.size());

    @Inject
    Pool pool;

    @Inject
    StreamPublisher publisher;

    @Inject
    RedisDataSource redis;

    @Test
    void anExamGoesOnlyWhenConfirmedAndTakesEverythingOfItAcrossTheSuite() {
        String examId = createExam("deleted exam");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, HEADER + "del-a,1,\"" + FULL + "\"\ndel-b,1,nothing\n").statusCode(200);
        String jobId = gradeToCompletion(examId);

        JsonPath requested = deletion(Map.of("kind", "exam", "id", examId)).statusCode(201)
                .body("state", equalTo("AWAITING_CONFIRMATION")).body("summary.submissions", equalTo(2))
                .body("summary.results", equalTo(2)).body("summary.jobs", equalTo(1))
                .body("summary.examIds", contains(examId)).body("requestedBy", equalTo("admin-zhou"))
                .extract().jsonPath();
        String id = requested.getString("id");
        // asked, not confirmed: nothing is gone
        given().get("/api/v1/exams/" + examId).then().statusCode(200);
        job(jobId).body("total", equalTo(2));

        confirm(id).statusCode(202).body("state", equalTo("IN_PROGRESS")).body("confirmedBy", equalTo("admin-zhou"))
                .body("confirmations.service", contains("grading-service"))
                .body("confirmations[0].removed.submissions", equalTo(2))
                .body("confirmations[0].removed.results", equalTo(2))
                .body("confirmations[0].removed.jobs", equalTo(1))
                .body("pendingServices", equalTo(OTHERS));
        given().get("/api/v1/exams/" + examId).then().statusCode(404);
        given().get("/api/v1/grading-jobs/" + jobId).then().statusCode(404);
        assertThat(count("SELECT count(*) FROM submissions WHERE exam_id = $1", examId)).isZero();
        assertThat(count("SELECT count(*) FROM results WHERE job_id = $1", jobId)).isZero();
        assertThat(count("SELECT count(*) FROM questions WHERE exam_id = $1", examId)).isZero();

        DataDeletionRequested request = requestOf(id);
        assertThat(request.kind()).isEqualTo(DataDeletionRequested.Kind.EXAM);
        assertThat(request.jobIds()).containsExactly(UUID.fromString(jobId));
        assertThat(request.examIds()).containsExactly(UUID.fromString(examId));
        assertThat(request.submissionIds()).hasSize(2);
        assertThat(request.studentId()).isNull();

        // confirming again changes nothing
        confirm(id).statusCode(202).body("confirmations.size()", equalTo(1));
        confirmByEveryOtherService(id);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/api/v1/deletions/" + id).then()
                .statusCode(200).body("state", equalTo("COMPLETED")).body("pendingServices.size()", equalTo(0))
                .body("confirmations.service", containsInAnyOrder(DataDeletionRequested.SERVICES.toArray())));
        confirm(id).statusCode(200).body("state", equalTo("COMPLETED"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().queryParam("filter[subjectId]", id)
                .get("/api/v1/audit-log").then().statusCode(200)
                .body("items.action", contains("data.deleted", "data.deletion.requested"))
                .body("items[0].actor", equalTo("admin-zhou")));
    }

    @Test
    void aWrongUploadGoesAsAWholeAndTheJobCountsWhatItStillHolds() {
        String examId = createExam("wrong upload");
        addKeywordNumericQuestion(examId, 1);
        String wrong = uploadCsv(examId, HEADER + "up-a,1,\"" + FULL + "\"\nup-b,1,nothing\n").statusCode(200)
                .extract().path("uploadId");
        uploadCsv(examId, HEADER + "up-c,1,\"" + FULL + "\"\n").statusCode(200);
        String jobId = gradeToCompletion(examId);
        job(jobId).body("total", equalTo(3)).body("graded", equalTo(3));
        Map<String, String> submissions = submissionsByStudent(examId);
        // a teacher's mark and an LLM audit record of an answer of the wrong upload go with it
        given().contentType(ContentType.JSON).body(List.of(Map.of("studentId", "up-a", "questionNumber", 1,
                "score", 9, "markerId", "teacher-li"))).post("/api/v1/exams/" + examId + "/marks").then()
                .statusCode(200).body("accepted", equalTo(1));
        pool.preparedQuery("""
                INSERT INTO llm_audit (id, tenant_id, job_id, submission_id, purpose, provider, model, prompt, outcome)
                SELECT gen_random_uuid(), tenant_id, $1, id, 'grade', 'scripted', 'm', '{}', 'OK' FROM submissions
                WHERE id = $2""").execute(Tuple.of(UUID.fromString(jobId), UUID.fromString(submissions.get("up-a"))))
                .await().indefinitely();

        String id = deletion(Map.of("kind", "upload", "id", wrong)).statusCode(201)
                .body("summary.submissions", equalTo(2)).extract().path("id");
        confirm(id).statusCode(202).body("confirmations[0].removed.submissions", equalTo(2))
                .body("confirmations[0].removed.teacherMarks", equalTo(1))
                .body("confirmations[0].removed.llmAudit", equalTo(1));

        assertThat(submissionsByStudent(examId)).containsOnlyKeys("up-c");
        job(jobId).body("state", equalTo("COMPLETED")).body("total", equalTo(1)).body("graded", equalTo(1))
                .body("failed", equalTo(0)).body("pendingReview", equalTo(0));
        given().get("/api/v1/grading-jobs/" + jobId + "/results").then().statusCode(200)
                .body("items.studentId", contains("up-c"));
        given().get("/api/v1/submissions/" + submissions.get("up-a") + "/versions").then().statusCode(404);
        assertThat(requestOf(id).submissionIds()).containsExactlyInAnyOrder(
                UUID.fromString(submissions.get("up-a")), UUID.fromString(submissions.get("up-b")));
        // the same upload again: nothing of it is left
        Problems.expectProblem(deletion(Map.of("kind", "upload", "id", wrong)), 404, "RECORD_NOT_FOUND");
    }

    @Test
    void answersInTheReviewQueueGoWithTheirItemsMarksAndGroups() {
        String examId = createExam("review queue deletion");
        String questionId = addAiQuestionWithoutPoints(examId, 1, 4);
        String wrong = uploadCsv(examId, HEADER + "rv-a,1,sunlight\nrv-b,1,sunlight\n").statusCode(200)
                .extract().path("uploadId");
        uploadCsv(examId, HEADER + "rv-c,1,other words\n").statusCode(200);
        String jobId = gradeToCompletion(examId);
        job(jobId).body("total", equalTo(3)).body("pendingReview", equalTo(3));
        given().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .body("items.find { it.representative == 'sunlight' }.size", equalTo(2));
        // a person marks one of the wrong upload's answers: a review mark, a resolved item
        String item = given().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200).extract()
                .jsonPath().getString("items.find { it.answer == 'sunlight' }.id");
        given().contentType(ContentType.JSON).body(Map.of("score", 2, "markerId", "t1", "chief", false))
                .post("/api/v1/review-items/" + item + "/marks").then().statusCode(200)
                .body("state", equalTo("RESOLVED"));
        job(jobId).body("graded", equalTo(1)).body("pendingReview", equalTo(2));

        String id = deletion(Map.of("kind", "upload", "id", wrong)).statusCode(201).extract().path("id");
        confirm(id).statusCode(202).body("confirmations[0].removed.submissions", equalTo(2))
                .body("confirmations[0].removed.reviewItems", equalTo(2))
                .body("confirmations[0].removed.reviewMarks", equalTo(1))
                .body("confirmations[0].removed.answerGroups", equalTo(1));

        job(jobId).body("total", equalTo(1)).body("graded", equalTo(0)).body("pendingReview", equalTo(1));
        assertThat(count("SELECT count(*) FROM answer_groups WHERE question_id = $1", questionId)).isZero();
        given().get("/api/v1/exams/" + examId + "/review-items").then().statusCode(200)
                .body("items.answer", contains("other words"));
        // listing groups the answers as they are now: the deleted ones are in no group
        given().get("/api/v1/questions/" + questionId + "/answer-groups").then().statusCode(200)
                .body("items.representative", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("sunlight")));
    }

    @Test
    void aStudentIsErasedAndNothingLeftNamesThem() {
        String student = "erase-" + UUID.randomUUID().toString().substring(0, 8);
        String first = createExam("erasure one");
        addKeywordNumericQuestion(first, 1);
        uploadCsv(first, HEADER + student + ",1,\"" + FULL + "\"\nstays-1,1,\"" + FULL + "\"\n").statusCode(200);
        String second = createExam("erasure two");
        addKeywordNumericQuestion(second, 1);
        uploadCsv(second, HEADER + student + ",1,nothing\n").statusCode(200);
        String jobId = gradeToCompletion(first);

        JsonPath erasure = given().header(TenantHeaders.SUBJECT, "admin-zhou")
                .post("/api/v1/students/" + student + "/erasure").then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.containsString("/api/v1/deletions/"))
                .body("kind", equalTo("STUDENT")).body("state", equalTo("IN_PROGRESS"))
                .body("subjectId", org.hamcrest.Matchers.nullValue())
                .body("summary.submissions", equalTo(2)).body("summary.results", equalTo(1))
                .extract().jsonPath();
        String id = erasure.getString("id");
        assertThat(erasure.getList("summary.examIds", String.class)).containsExactlyInAnyOrder(first, second);

        assertThat(count("SELECT count(*) FROM submissions WHERE student_id = $1", student)).isZero();
        assertThat(count("SELECT count(*) FROM results WHERE student_id = $1", student)).isZero();
        assertThat(submissionsByStudent(first)).containsOnlyKeys("stays-1");
        job(jobId).body("total", equalTo(1));
        // the record holds who asked, when and which exams, never the student
        String record = pool.preparedQuery("SELECT row_to_json(d)::text AS r FROM data_deletions d WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely().iterator().next().getString("r");
        assertThat(record).doesNotContain(student).contains("admin-zhou").contains(first);

        DataDeletionRequested request = requestOf(id);
        assertThat(request.studentId()).isEqualTo(student);
        assertThat(request.pseudonym()).startsWith("erased-").doesNotContain(student);
        assertThat(request.jobIds()).containsExactly(UUID.fromString(jobId));

        confirmByEveryOtherService(id);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/api/v1/deletions/" + id).then()
                .statusCode(200).body("state", equalTo("COMPLETED")));
        // its own request, the one thing that named the student, is gone from the outbox and the stream
        assertThat(count("SELECT count(*) FROM outbox WHERE key = $1", "deletion:" + id)).isZero();
        assertThat(redis.stream(String.class).xrange(Streams.LIFECYCLE, io.quarkus.redis.datasource.stream.StreamRange
                .of("-", "+"))).noneMatch(message -> message.payload().toString().contains(student));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().queryParam("filter[subjectId]", id)
                .get("/api/v1/audit-log").then().statusCode(200).body("items.action", contains("student.erased"))
                .body("items[0].after.examIds", containsInAnyOrder(first, second)));
        String audit = given().queryParam("filter[subjectId]", id).get("/api/v1/audit-log").then().extract().asString();
        assertThat(audit).doesNotContain(student);
    }

    @Test
    void deletionsAreRefusedClearlyAndLeaveEverythingAsItWas() {
        String examId = createExam("refused deletions");
        addKeywordNumericQuestion(examId, 1);
        uploadCsv(examId, HEADER + "ref-a,1,nothing\n").statusCode(200);

        Problems.expectProblem(deletion(Map.of("kind", "student", "id", examId)), 400, "VALIDATION_ERROR");
        Problems.expectProblem(deletion(Map.of("kind", "exam", "id", "not-a-uuid")), 400, "VALIDATION_ERROR");
        Problems.expectProblem(deletion(Map.of("id", examId)), 400, "VALIDATION_ERROR");
        Problems.expectProblem(deletion(Map.of("kind", "exam", "id", UUID.randomUUID().toString())), 404,
                "RECORD_NOT_FOUND");
        Problems.expectProblem(confirm(UUID.randomUUID().toString()), 404, "RECORD_NOT_FOUND");
        Problems.expectProblem(given().header(TenantHeaders.TENANT, "another-school").contentType(ContentType.JSON)
                .body(Map.of("kind", "exam", "id", examId)).post("/api/v1/deletions").then(), 404, "RECORD_NOT_FOUND");
        Problems.expectProblem(given().post("/api/v1/students/" + "x".repeat(65) + "/erasure").then(), 400,
                "VALIDATION_ERROR");

        // a job marking the exam refuses it, at the request and at the confirmation
        String id = deletion(Map.of("kind", "exam", "id", examId)).statusCode(201).extract().path("id");
        String jobId = createJob(examId);
        setJobState(jobId, "EXECUTING");
        Problems.expectProblem(deletion(Map.of("kind", "exam", "id", examId)), 409, "ILLEGAL_STATE");
        Problems.expectProblem(confirm(id), 409, "ILLEGAL_STATE");
        setJobState(jobId, "CANCELLED");

        // an unconfirmed deletion expires
        pool.preparedQuery("UPDATE data_deletions SET expires_at = now() - interval '1 second' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely();
        Problems.expectProblem(confirm(id), 409, "ILLEGAL_STATE");
        given().get("/api/v1/deletions/" + id).then().statusCode(200).body("state", equalTo("EXPIRED"));
        given().get("/api/v1/exams/" + examId).then().statusCode(200);
        assertThat(submissionsByStudent(examId)).containsOnlyKeys("ref-a");
    }

    private static ValidatableResponse deletion(Map<String, Object> body) {
        return given().header(TenantHeaders.SUBJECT, "admin-zhou").contentType(ContentType.JSON).body(body)
                .post("/api/v1/deletions").then().log().ifValidationFails();
    }

    private static ValidatableResponse confirm(String id) {
        return given().header(TenantHeaders.SUBJECT, "admin-zhou").post("/api/v1/deletions/" + id + "/confirm")
                .then();
    }

    /** The request grading-service published for the other services (read from its outbox). */
    private DataDeletionRequested requestOf(String id) {
        Row row = pool.preparedQuery("SELECT payload FROM outbox WHERE key = $1 AND type = 'DATA_DELETION_REQUESTED'")
                .execute(Tuple.of("deletion:" + id)).await().indefinitely().iterator().next();
        return JsonCodec.read(row.getString("payload"), DataDeletionRequested.class);
    }

    /** What the other services answer when they have removed their part (their own tests prove they do). */
    private void confirmByEveryOtherService(String id) {
        String tenant = pool.preparedQuery("SELECT tenant_id FROM data_deletions WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().indefinitely().iterator().next().getString("tenant_id");
        for (String service : OTHERS) {
            publisher.publish(Streams.LIFECYCLE, new DataDeletionConfirmed(UUID.fromString(id), service,
                    Map.of("rows", 1L), Instant.now()).envelope(tenant)).await().indefinitely();
        }
    }

    private void setJobState(String jobId, String state) {
        pool.preparedQuery("UPDATE grading_jobs SET state = $2 WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(jobId), state)).await().indefinitely();
    }

    private long count(String sql, Object value) {
        Object argument = value instanceof String text && text.length() == 36 && text.charAt(8) == '-'
                ? UUID.fromString(text) : value;
        return pool.preparedQuery(sql).execute(Tuple.of(argument)).await().indefinitely().iterator().next().getLong(0);
    }

    private static Map<String, String> submissionsByStudent(String examId) {
        JsonPath page = given().get("/api/v1/exams/" + examId + "/submissions?page_size=200").then().statusCode(200)
                .extract().jsonPath();
        Map<String, String> byStudent = new HashMap<>();
        List<Map<String, Object>> items = new ArrayList<>(page.getList("items"));
        for (Map<String, Object> item : items) {
            byStudent.put((String) item.get("studentId"), (String) item.get("id"));
        }
        return byStudent;
    }
}
