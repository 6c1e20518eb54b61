package io.zhiyue.grading.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.repository.AuditLogRepository;
import io.zhiyue.shared.event.AuditRecorded;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static io.zhiyue.grading.GradingTestData.keywordNumericRubric;
import static io.zhiyue.grading.GradingTestData.keywordRubric;
import static io.zhiyue.grading.GradingTestData.question;
import static io.zhiyue.grading.GradingTestData.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Every audited change leaves one record in the audit log (through the outbox and {@code zhiyue:audit}),
 * with who did it and what it was before and after; the log pages newest first, filters, keeps each
 * record once and refuses to be changed.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class AuditLogTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(15);

    @Inject
    Pool pool;

    @Inject
    AuditLogRepository repository;

    @Test
    void everyAuditedChangeIsRecordedWithWhoAndBeforeAndAfter() {
        String tenant = uniqueTenant();
        String examId = as(tenant, "teacher-li").contentType(ContentType.JSON)
                .body(Map.of("title", "audited", "subject", "science")).post("/api/v1/exams")
                .then().statusCode(201).extract().path("id");
        String questionId = as(tenant, "teacher-li").contentType(ContentType.JSON)
                .body(question(1, 10, keywordNumericRubric())).post("/api/v1/exams/" + examId + "/questions")
                .then().statusCode(201).extract().path("id");
        Map<String, Object> newRubric = keywordRubric("kw", 10, "光合作用");
        as(tenant, "teacher-wang").contentType(ContentType.JSON).body(newRubric)
                .put("/api/v1/questions/" + questionId + "/rubric").then().statusCode(200);
        // the same rubric again is no new version, and no record
        as(tenant, "teacher-wang").contentType(ContentType.JSON).body(newRubric)
                .put("/api/v1/questions/" + questionId + "/rubric").then().statusCode(200);
        as(tenant, "teacher-li").contentType(ContentType.JSON).body(Map.of("enabled", false))
                .put("/api/v1/questions/" + questionId + "/marking/auto-accept").then().statusCode(200);
        as(tenant, "chief-zhao").contentType(ContentType.JSON)
                .body(Map.of("markers", List.of(Map.of("markerId", "marker-1", "questionNumbers", List.of(1)))))
                .put("/api/v1/exams/" + examId + "/markers").then().statusCode(200);
        String jobId = as(tenant, "teacher-li").post("/api/v1/exams/" + examId + "/grading-jobs")
                .then().statusCode(201).extract().path("id");
        as(tenant, "teacher-li").post("/api/v1/grading-jobs/" + jobId + "/cancel").then().statusCode(200);
        as(tenant, "teacher-li").post("/api/v1/exams/" + examId + "/release").then().statusCode(200);

        List<String> expected = List.of("exam.released", "job.cancelled", "job.created", "markers.allocated",
                "marking.auto-accept.set", "rubric.replaced", "question.created");
        JsonPath log = await("every record arrives").atMost(ARRIVAL).until(() -> auditLog(tenant, ""),
                page -> page.getList("items").size() >= expected.size());
        assertThat(log.getInt("total")).isEqualTo(expected.size());
        assertThat(log.getList("items.action", String.class)).as("newest first").isEqualTo(expected);

        JsonPath rubric = auditLog(tenant, "&filter[action]=rubric.replaced");
        assertThat(rubric.getString("items[0].actor")).isEqualTo("teacher-wang");
        assertThat(rubric.getString("items[0].service")).isEqualTo("grading-service");
        assertThat(rubric.getString("items[0].subjectType")).isEqualTo("question");
        assertThat(rubric.getString("items[0].subjectId")).isEqualTo(questionId);
        assertThat(rubric.getInt("items[0].before.rubricVersion")).isEqualTo(1);
        assertThat(rubric.getInt("items[0].after.rubricVersion")).isEqualTo(2);
        assertThat(rubric.getList("items[0].after.rubric.points.id", String.class)).containsExactly("kw");
        assertThat(rubric.getString("items[0].after.prompt")).as("texts are not copied").isNull();

        JsonPath autoAccept = auditLog(tenant, "&filter[action]=marking.auto-accept.set");
        assertThat(autoAccept.getBoolean("items[0].after.enabled")).isFalse();

        JsonPath allocation = auditLog(tenant, "&filter[actor]=chief-zhao");
        assertThat(allocation.getList("items.action", String.class)).containsExactly("markers.allocated");
        assertThat(allocation.getList("items[0].after.markers.markerId", String.class)).containsExactly("marker-1");

        JsonPath job = auditLog(tenant, "&filter[subjectType]=job&filter[subjectId]=" + jobId);
        assertThat(job.getList("items.action", String.class)).containsExactly("job.cancelled", "job.created");
        assertThat(job.getString("items[0].before.state")).isEqualTo("CREATED");
        assertThat(job.getString("items[0].after.state")).isEqualTo("CANCELLED");
        assertThat(job.getBoolean("items[1].after.reuseResults")).isTrue();

        JsonPath release = auditLog(tenant, "&filter[action]=exam.released");
        assertThat(release.getString("items[0].after.releasedBy")).isEqualTo("teacher-li");

        assertThat(auditLog(uniqueTenant(), "").getInt("total")).as("another school sees none of it").isZero();
    }

    @Test
    void theLogPagesByCursorWithoutGapsOrRepeatsAndRefusesUnknownFilters() {
        String tenant = uniqueTenant();
        for (int i = 0; i < 5; i++) {
            repository.insert(UUID.randomUUID(), tenant, new AuditRecorded("test", "test.paged", "thing", "t" + i, "teacher-" + i, null,
                    null, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)), null).await().indefinitely();
        }
        List<String> seen = new ArrayList<>();
        JsonPath page = auditLog(tenant, "&page_size=2");
        seen.addAll(page.getList("items.subjectId", String.class));
        while (page.getString("nextCursor") != null) {
            page = auditLog(tenant, "&page_size=2&cursor=" + page.getString("nextCursor"));
            seen.addAll(page.getList("items.subjectId", String.class));
        }
        assertThat(seen).containsExactly("t4", "t3", "t2", "t1", "t0");
        assertThat(auditLog(tenant, "&sort_order=asc&page_size=1").getString("items[0].subjectId")).isEqualTo("t0");

        as(tenant, "admin").get("/api/v1/audit-log?filter[studentName]=x").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_ERROR"));
    }

    @Test
    void aRecordDeliveredTwiceIsKeptOnceAndNoRecordCanBeChangedOrDeleted() {
        String tenant = uniqueTenant();
        UUID id = UUID.randomUUID();
        AuditRecorded record = new AuditRecorded("test", "test.once", "thing", "x", "admin", null,
                JsonCodec.mapper().valueToTree(Map.of("v", 1)), Instant.now());
        repository.insert(id, tenant, record, null).await().indefinitely();
        repository.insert(id, tenant, record, null).await().indefinitely();
        assertThat(auditLog(tenant, "").getInt("total")).isEqualTo(1);

        for (String statement : List.of("UPDATE audit_log SET actor = 'someone else' WHERE id = $1",
                "DELETE FROM audit_log WHERE id = $1")) {
            assertThatThrownBy(() -> pool.preparedQuery(statement).execute(Tuple.of(id)).await().indefinitely())
                    .as(statement).hasMessageContaining("append-only");
        }
        assertThatThrownBy(() -> pool.query("TRUNCATE audit_log").execute().await().indefinitely())
                .hasMessageContaining("append-only");
        assertThat(auditLog(tenant, "").getString("items[0].actor")).isEqualTo("admin");
    }

    private static RequestSpecification as(String tenant, String subject) {
        return given().header(TenantHeaders.TENANT, tenant).header(TenantHeaders.SUBJECT, subject);
    }

    private static JsonPath auditLog(String tenant, String query) {
        String parameters = query.replaceFirst("^&", "");
        return as(tenant, "admin").get("/api/v1/audit-log" + (parameters.isEmpty() ? "" : "?" + parameters))
                .then().statusCode(200).extract().jsonPath();
    }
}
