package io.zhiyue.cache.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The result cache API: a batch put answers versions, a batch lookup answers the hits in the order asked with
 * where they came from, deletes of a key or a question version take effect at once, tenants do not see each
 * other's entries, and bad input is a 400 problem+json, never a 500.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ResultCacheResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String TENANT = "X-ZhiYue-Tenant";

    @Inject
    DataSource jdbc;

    private final String tenant = "school-" + UUID.randomUUID();
    private final String questionVersion = "qv-" + UUID.randomUUID();

    @Test
    void putThenLookUpABatchInOneCall() {
        Map<String, Object> first = Map.of("score", 2.5, "confidence", 0.95,
                "points", List.of(Map.of("id", "p1", "awarded", true, "evidence", "光合作用")));
        Map<String, Object> second = Map.of("score", 0, "confidence", 0.4);
        List<Integer> versions = put(tenant, entry("a1", first), entry("a2", second)).statusCode(200)
                .body("versions", hasSize(2)).extract().path("versions");

        lookup(tenant, ref("a2"), ref("missing"), ref("a1")).statusCode(200)
                .header(ResultCacheResource.CACHE_SOURCE, "postgres") // "missing" had to be asked of PostgreSQL
                .body("hits.key", contains("a2", "a1"))
                .body("hits[0].questionVersion", equalTo(questionVersion))
                .body("hits[0].version", equalTo(versions.get(1)))
                .body("hits[1].version", equalTo(versions.get(0)))
                .body("hits[1].value.score", equalTo(2.5f))
                .body("hits[1].value.points[0].evidence", equalTo("光合作用"))
                .body("hits[1].source", equalTo("local"));
        lookup(tenant, ref("a1"), ref("a2")).statusCode(200).header(ResultCacheResource.CACHE_SOURCE, "local");
        // another tenant shares nothing
        lookup("another-school", ref("a1")).statusCode(200).body("hits", empty());
    }

    @Test
    void aNewPutReplacesTheValueWithAHigherVersion() {
        int v1 = put(tenant, entry("k", Map.of("score", 1))).statusCode(200).extract().path("versions[0]");
        int v2 = put(tenant, entry("k", Map.of("score", 2))).statusCode(200).extract().path("versions[0]");
        assertThat(v2).isGreaterThan(v1);
        lookup(tenant, ref("k")).statusCode(200).body("hits[0].value.score", equalTo(2))
                .body("hits[0].version", equalTo(v2));
    }

    @Test
    void deletingAKeyOrAQuestionVersionTakesEffectAtOnce() {
        put(tenant, entry("x", Map.of("score", 1)), entry("y", Map.of("score", 2))).statusCode(200);
        given().header(TENANT, tenant).when()
                .delete("/api/v1/cache/results/{qv}/{key}", questionVersion, "x").then().statusCode(204);
        lookup(tenant, ref("x"), ref("y")).statusCode(200).body("hits.key", contains("y"));

        given().header(TENANT, tenant).when()
                .delete("/api/v1/cache/results/{qv}", questionVersion).then().statusCode(204);
        lookup(tenant, ref("x"), ref("y")).statusCode(200).body("hits", empty());
        // a new result of the question version is welcome after the invalidation
        put(tenant, entry("y", Map.of("score", 3))).statusCode(200);
        lookup(tenant, ref("y")).statusCode(200).body("hits[0].value.score", equalTo(3));
        // deleting what is not there is fine
        given().header(TENANT, tenant).when()
                .delete("/api/v1/cache/results/{qv}/{key}", questionVersion, "never-was").then().statusCode(204);
    }

    @Test
    void badInputIsA400ProblemNeverA500() {
        send("/lookup", "POST", "{not json").statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("VALIDATION_ERROR"));
        send("", "PUT", "").statusCode(400).contentType(PROBLEM);
        send("/lookup", "POST", "{}").statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("entries"));
        send("/lookup", "POST", "[]").statusCode(400).contentType(PROBLEM);
        send("/lookup", "POST", "{\"entries\": {}}").statusCode(400).contentType(PROBLEM);
        send("/lookup", "POST", "{\"entries\": []}").statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("entries"));
        send("/lookup", "POST", "{\"entries\": [\"a\"]}").statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("entries[0]"));
        send("/lookup", "POST", "{\"entries\": [{\"questionVersion\": \"q\"}]}").statusCode(400)
                .contentType(PROBLEM).body("errors.field", hasItem("entries[0].key"));
        send("/lookup", "POST", "{\"entries\": [{\"questionVersion\": \"q\", \"key\": 7}]}").statusCode(400)
                .contentType(PROBLEM).body("errors.field", hasItem("entries[0].key"));
        send("/lookup", "POST", "{\"entries\": [{\"questionVersion\": \"q\", \"key\": \"bad\\u0000key\"}]}")
                .statusCode(400).contentType(PROBLEM);
        send("/lookup", "POST", "{\"entries\": [{\"questionVersion\": \"q\", \"key\": \"" + "k".repeat(257) + "\"}]}")
                .statusCode(400).contentType(PROBLEM);

        List<Map<String, String>> tooMany = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            tooMany.add(Map.of("questionVersion", "q", "key", "k" + i));
        }
        given().contentType(ContentType.JSON).body(Map.of("entries", tooMany)).when()
                .post("/api/v1/cache/results/lookup").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("entries"));

        for (String value : List.of("5", "\"text\"", "[1]", "null")) {
            send("", "PUT", "{\"entries\": [{\"questionVersion\": \"q\", \"key\": \"k\", \"value\": " + value + "}]}")
                    .statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("entries[0].value"));
        }
        send("", "PUT", "{\"entries\": [{\"questionVersion\": \"q\", \"key\": \"k\"}]}").statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("entries[0].value"));
        send("", "PUT", "{\"entries\": [{\"questionVersion\": \"q\", \"key\": \"k\", \"value\": {}},"
                + " {\"questionVersion\": \"q\", \"key\": \"k\", \"value\": {}}]}").statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("entries[1]"));
        given().contentType(ContentType.JSON)
                .body(Map.of("entries", List.of(Map.of("questionVersion", "q", "key", "k",
                        "value", Map.of("text", "x".repeat(300_000)))))).when()
                .put("/api/v1/cache/results").then().statusCode(413).contentType(PROBLEM)
                .body("code", equalTo("PAYLOAD_TOO_LARGE"));
        given().contentType(ContentType.TEXT).body("entries").when().post("/api/v1/cache/results/lookup").then()
                .statusCode(415).contentType(PROBLEM);
        given().when().delete("/api/v1/cache/results/{qv}/{key}", "q", "k".repeat(300)).then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("path.key"));
    }

    @Test
    void aPutPostgresCannotTakeNowIsA503AndLeavesTheOldValue() throws Exception {
        put(tenant, entry("locked", Map.of("score", 1))).statusCode(200);
        try (Connection connection = jdbc.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("LOCK TABLE cache.entries IN ACCESS EXCLUSIVE MODE");
            put(tenant, entry("locked", Map.of("score", 2))).statusCode(503).contentType(PROBLEM)
                    .header("Retry-After", notNullValue()).body("code", equalTo("DEPENDENCY_UNAVAILABLE"));
            connection.rollback();
        }
        lookup(tenant, ref("locked")).statusCode(200).body("hits[0].value.score", equalTo(1));
    }

    private Map<String, Object> entry(String key, Map<String, Object> value) {
        return Map.of("questionVersion", questionVersion, "key", key, "value", value);
    }

    private Map<String, String> ref(String key) {
        return Map.of("questionVersion", questionVersion, "key", key);
    }

    @SafeVarargs
    private static ValidatableResponse put(String tenant, Map<String, Object>... entries) {
        return given().header(TENANT, tenant).contentType(ContentType.JSON).body(Map.of("entries", List.of(entries)))
                .when().put("/api/v1/cache/results").then();
    }

    @SafeVarargs
    private static ValidatableResponse lookup(String tenant, Map<String, String>... refs) {
        return given().header(TENANT, tenant).contentType(ContentType.JSON).body(Map.of("entries", List.of(refs)))
                .when().post("/api/v1/cache/results/lookup").then();
    }

    private static ValidatableResponse send(String path, String method, String body) {
        return given().contentType(ContentType.JSON).body(body).when()
                .request(method, "/api/v1/cache/results" + path).then();
    }
}
