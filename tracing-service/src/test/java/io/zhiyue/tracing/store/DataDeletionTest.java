package io.zhiyue.tracing.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.DataDeletionRequested.Kind;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Erasing a student rewrites the spans that hold the id as a whole token — in attribute values at any depth, event
 * attributes, the name and the status message — with the pseudonym; a span that only holds a longer id starting
 * with it, another tenant's span and other kinds of deletion are left as they were; the confirmation goes through
 * the outbox with the count, and a redelivery rewrites nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class DataDeletionTest {

    private static final String TENANT = "demo-school";

    @Inject
    Pool pool;

    @Inject
    DataDeletionParticipant participant;

    @Inject
    SpanErasure handler;

    /** Unique to the run; the other student's id starts with it (S1 and S12). */
    private final String student = "S" + ThreadLocalRandom.current().nextInt(1_000, 1_000_000);
    private final String otherStudent = student + "2";
    private final String pseudonym = "P-" + UUID.randomUUID();
    private final String trace = hex(16);

    @Test
    void theStudentsIdIsReplacedAsAWholeTokenOnlyInTheirSpans() {
        String erased = hex(8);
        String others = hex(8);
        String unattributed = hex(8);
        String otherTenants = hex(8);
        export(span(erased, "GET /api/v1/students/" + student + "/results", TENANT, """
                {"key":"url.path","value":{"stringValue":"/api/v1/students/%1$s/results"}},
                {"key":"zhiyue.channels","value":{"stringValue":"exam:e1,user:%1$s"}},
                {"key":"zhiyue.students","value":{"arrayValue":{"values":[{"stringValue":"%1$s"},{"stringValue":"%2$s"}]}}},
                {"key":"http.response.status_code","value":{"intValue":"200"}}""".formatted(student, otherStudent),
                "no results for " + student, student),
                span(others, "GET /api/v1/students/" + otherStudent + "/results", TENANT, """
                        {"key":"url.path","value":{"stringValue":"/api/v1/students/%1$s/results"}},
                        {"key":"zhiyue.channels","value":{"stringValue":"exam:e1,user:%1$s"}}"""
                        .formatted(otherStudent), null, otherStudent),
                span(unattributed, "redis GET", null, """
                        {"key":"enduser.id","value":{"stringValue":"%s"}}""".formatted(student), null, null),
                span(otherTenants, "GET /api/v1/students/" + student + "/results", "another-school", """
                        {"key":"url.path","value":{"stringValue":"/api/v1/students/%s/results"}}"""
                        .formatted(student), null, null));
        await().atMost(Duration.ofSeconds(10)).until(() -> count() == 4);
        String othersBefore = stored(others);
        String otherTenantsBefore = stored(otherTenants);

        // deleting answers or exams changes no span
        DataDeletionRequested exam = new DataDeletionRequested(UUID.randomUUID(), Kind.EXAM, List.of(UUID.randomUUID()),
                List.of(), List.of(), List.of(), null, pseudonym, Instant.now());
        participant.handle(handler, exam.envelope(TENANT)).await().indefinitely();
        assertThat(confirmations(exam.requestId())).extracting(DataDeletionConfirmed::removed)
                .containsExactly(Map.of("spansPseudonymised", 0L));

        DataDeletionRequested request = new DataDeletionRequested(UUID.randomUUID(), Kind.STUDENT, List.of(),
                List.of(), List.of(), List.of(), student, pseudonym, Instant.now());
        participant.handle(handler, request.envelope(TENANT)).await().indefinitely();

        Row row = row(erased);
        JsonNode attributes = JsonCodec.read(row.getString("attributes"), JsonNode.class);
        assertThat(attributes.path("url.path").asText()).isEqualTo("/api/v1/students/" + pseudonym + "/results");
        assertThat(attributes.path("zhiyue.channels").asText()).isEqualTo("exam:e1,user:" + pseudonym);
        assertThat(attributes.path("zhiyue.students").get(0).asText()).isEqualTo(pseudonym);
        assertThat(attributes.path("zhiyue.students").get(1).asText()).isEqualTo(otherStudent);
        assertThat(attributes.path("http.response.status_code").isNumber()).isTrue();
        assertThat(row.getString("name")).isEqualTo("GET /api/v1/students/" + pseudonym + "/results");
        assertThat(row.getString("status_message")).isEqualTo("no results for " + pseudonym);
        assertThat(JsonCodec.read(row.getString("events"), JsonNode.class).get(0).path("attributes").path("student")
                .asText()).isEqualTo(pseudonym);
        assertThat(stored(erased)).doesNotContain(student + "/").doesNotContain(":" + student + "\"");
        assertThat(JsonCodec.read(row(unattributed).getString("attributes"), JsonNode.class).path("enduser.id")
                .asText()).isEqualTo(pseudonym);
        // S12 is not S1, and another tenant's S1 is another student
        assertThat(stored(others)).isEqualTo(othersBefore).contains(otherStudent);
        assertThat(stored(otherTenants)).isEqualTo(otherTenantsBefore).contains(student);

        participant.handle(handler, request.envelope(TENANT)).await().indefinitely();
        assertThat(confirmations(request.requestId())).extracting(DataDeletionConfirmed::removed).containsExactly(
                Map.of("spansPseudonymised", 2L), Map.of("spansPseudonymised", 0L));
    }

    /** One span of the test's trace, as OTLP/JSON; {@code student} (if any) in an event's attributes. */
    private String span(String spanId, String name, String tenant, String attributes, String error, String student) {
        long start = System.currentTimeMillis() * 1_000_000L;
        String tenantAttribute = tenant == null ? ""
                : ",{\"key\":\"zhiyue.tenant\",\"value\":{\"stringValue\":\"" + tenant + "\"}}";
        String status = error == null ? "" : ",\"status\":{\"code\":2,\"message\":\"" + error + "\"}";
        String events = student == null ? "" : """
                ,"events":[{"timeUnixNano":"%d","name":"lookup","attributes":[{"key":"student","value":{"stringValue":"%s"}}]}]"""
                .formatted(start, student);
        return """
                {"traceId":"%s","spanId":"%s","name":"%s","kind":2,"startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                 "attributes":[%s%s]%s%s}""".formatted(trace, spanId, name, start, start + 5_000_000L, attributes,
                tenantAttribute, status, events);
    }

    private static void export(String... spans) {
        String body = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api-gateway"}}]},
                  "scopeSpans":[{"spans":[%s]}]}]}""".formatted(String.join(",", spans));
        given().contentType("application/json").body(body).when().post("/v1/traces").then().statusCode(200);
    }

    private long count() {
        return pool.preparedQuery("SELECT count(*) FROM spans WHERE trace_id = $1").execute(Tuple.of(trace)).await()
                .indefinitely().iterator().next().getLong(0);
    }

    private Row row(String spanId) {
        return pool.preparedQuery("""
                SELECT name, status_message, attributes::text AS attributes, events::text AS events
                FROM spans WHERE trace_id = $1 AND span_id = $2""").execute(Tuple.of(trace, spanId)).await()
                .indefinitely().iterator().next();
    }

    /** Everything stored of the span that could hold an id, as text. */
    private String stored(String spanId) {
        return pool.preparedQuery("""
                SELECT concat_ws('|', name, status_message, attributes::text, events::text, links::text, resource::text)
                FROM spans WHERE trace_id = $1 AND span_id = $2""").execute(Tuple.of(trace, spanId)).await()
                .indefinitely().iterator().next().getString(0);
    }

    /** The confirmations written to the outbox for the request, oldest first. */
    private List<DataDeletionConfirmed> confirmations(UUID requestId) {
        List<DataDeletionConfirmed> found = new ArrayList<>();
        pool.preparedQuery("""
                SELECT payload FROM outbox WHERE stream = 'zhiyue:lifecycle' AND type = 'DATA_DELETION_CONFIRMED'
                  AND key = $1 AND tenant_id = $2 ORDER BY id""")
                .execute(Tuple.of("deletion:" + requestId + ":tracing-service", TENANT)).await().indefinitely()
                .forEach(row -> found.add(JsonCodec.read(row.getString("payload"), DataDeletionConfirmed.class)));
        return found;
    }

    private static String hex(int bytes) {
        byte[] id = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] = 1;
        return HexFormat.of().formatHex(id);
    }
}
