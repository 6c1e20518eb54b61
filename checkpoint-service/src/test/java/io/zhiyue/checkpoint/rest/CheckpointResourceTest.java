package io.zhiyue.checkpoint.rest;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.checkpoint.service.CheckpointRetention;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * The checkpoint API against the devstack's PostgreSQL: deltas and snapshots, reads rebuilt and
 * checked, idempotent puts, lists by keyset with metadata filters, forks, deletion, bad input, a
 * corrupt row or a broken chain named in a CHECKPOINT_CORRUPT problem, and saves that fail.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class CheckpointResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    Pool pool;

    @Inject
    CheckpointRetention retention;

    @Inject
    MeterRegistry registry;

    @Test
    void aGrowingStateIsStoredAsDeltasWithASnapshotEveryTenAndReadBackWhole() {
        UUID thread = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            put(thread, "llm", id, Map.of("state", state(i), "metadata", Map.of("step", String.valueOf(i))))
                    .statusCode(201).body("id", equalTo(id.toString())).body("state", nullValue());
        }
        // the first is a snapshot, then ten deltas, then a snapshot again
        for (int i = 0; i < 12; i++) {
            boolean delta = i != 0 && i != 11;
            get(thread, "llm", ids.get(i)).statusCode(200).body("isDelta", equalTo(delta))
                    .body("state.answers", hasSize(i + 1)).body("state.answers[" + i + "].score", equalTo(i % 5))
                    .body("parentId", i == 0 ? nullValue() : equalTo(ids.get(i - 1).toString()));
        }
        get(thread, "llm", ids.get(5)).body("baseCheckpointId", equalTo(ids.get(0).toString())).body("deltaDepth",
                equalTo(5));
        given().when().get("/api/v1/checkpoints/{t}/llm/latest", thread).then().statusCode(200)
                .body("id", equalTo(ids.get(11).toString())).body("state.answers", hasSize(12));
    }

    @Test
    void theSameIdTwiceIsOneCheckpoint() {
        UUID thread = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        put(thread, "llm", id, Map.of("state", state(1))).statusCode(201);
        put(thread, "llm", id, Map.of("state", state(1))).statusCode(200).body("id", equalTo(id.toString()));
        assertThat(count("SELECT count(*) FROM checkpoints WHERE id = $1", id)).isEqualTo(1);
        // the same id for something else is a conflict, never the other checkpoint's data
        put(thread, "llm", id, Map.of("state", state(2))).statusCode(409).contentType(PROBLEM)
                .body("code", equalTo("DUPLICATE_RECORD"));
        put(UUID.randomUUID(), "llm", id, Map.of("state", state(1))).statusCode(409);
        given().header("X-ZhiYue-Tenant", "another-school").contentType(ContentType.JSON)
                .body(Map.of("state", state(1))).when().put("/api/v1/checkpoints/{t}/llm/{id}", thread, id).then()
                .statusCode(409);
    }

    @Test
    void listsGoNewestFirstByCursorAndFilterByMetadata() {
        UUID thread = UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            UUID id = io.zhiyue.checkpoint.service.Uuid7.next();
            ids.add(0, id.toString());
            put(thread, "embedding", id, Map.of("state", state(i), "metadata", Map.of("stage", i % 2 == 0 ? "even" : "odd")))
                    .statusCode(201);
        }
        String cursor = given().queryParam("page_size", 3).when().get("/api/v1/checkpoints/{t}/embedding", thread)
                .then().statusCode(200).body("items.id", equalTo(ids.subList(0, 3))).body("items.state", everyItem(nullValue()))
                .extract().path("nextCursor");
        given().queryParam("page_size", 3).queryParam("cursor", cursor).when()
                .get("/api/v1/checkpoints/{t}/embedding", thread).then().statusCode(200)
                .body("items.id", equalTo(ids.subList(3, 6)));
        given().queryParam("before", ids.get(5)).when().get("/api/v1/checkpoints/{t}/embedding", thread).then()
                .statusCode(200).body("items.id", equalTo(List.of(ids.get(6)))).body("nextCursor", nullValue());
        given().queryParam("filter[metadata.stage]", "odd").when().get("/api/v1/checkpoints/{t}/embedding", thread)
                .then().statusCode(200).body("items", hasSize(3));
        given().queryParam("sort_by", "id").when().get("/api/v1/checkpoints/{t}/embedding", thread).then()
                .statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("sort_by"));
        given().queryParam("page_size", 500).when().get("/api/v1/checkpoints/{t}/embedding", thread).then()
                .statusCode(400).contentType(PROBLEM);
    }

    @Test
    void aForkStartsABranchAndLeavesHistoryAsItWas() {
        UUID thread = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            put(thread, "llm", id, Map.of("state", state(i))).statusCode(201);
        }
        String fork = given().contentType(ContentType.JSON).body(Map.of("metadata", Map.of("why", "retry")))
                .when().post("/api/v1/checkpoints/{t}/llm/{id}/fork", thread, ids.get(1)).then().statusCode(201)
                .body("parentId", equalTo(ids.get(1).toString())).extract().path("id");
        get(thread, "llm", UUID.fromString(fork)).body("state.answers", hasSize(2)).body("metadata.why", equalTo("retry"));
        // the next checkpoint follows the fork (the latest), and the old branch is still whole
        UUID next = UUID.randomUUID();
        put(thread, "llm", next, Map.of("state", state(7))).statusCode(201).body("parentId", equalTo(fork));
        get(thread, "llm", ids.get(3)).body("state.answers", hasSize(4));
        get(thread, "llm", next).body("state.answers", hasSize(8));
    }

    /**
     * Only each line's newest state is kept in memory: a put that follows an older checkpoint
     * (its parent named) diffs against that checkpoint's state rebuilt from the database, and two
     * threads put in turn each diff against their own newest.
     */
    @Test
    void aPutThatFollowsAnOlderCheckpointOrAnotherThreadsIsStillADeltaOfTheRightState() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            for (UUID thread : List.of(first, second)) {
                UUID id = UUID.randomUUID();
                put(thread, "llm", id, Map.of("state", state(thread == first ? i : i + 10))).statusCode(201)
                        .body("isDelta", equalTo(i > 0));
                if (thread == first) {
                    ids.add(id);
                }
            }
        }
        UUID branch = UUID.randomUUID();
        Map<String, Object> body = new HashMap<>(Map.of("state", state(2), "parentId", ids.get(1).toString()));
        put(first, "llm", branch, body).statusCode(201).body("isDelta", equalTo(true))
                .body("parentId", equalTo(ids.get(1).toString()));
        get(first, "llm", branch).body("state.answers", hasSize(3));
        given().when().get("/api/v1/checkpoints/{t}/llm/latest", second).then().statusCode(200)
                .body("isDelta", equalTo(true)).body("state.answers", hasSize(14));
    }

    /**
     * A put that follows the newest checkpoint this instance put is stored in one statement, and only
     * while that one is still the newest in the table: after another instance's checkpoint it follows
     * that one, rebuilt from the database.
     */
    @Test
    void aPutAfterAnotherInstancesCheckpointFollowsThatOne() {
        UUID thread = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        put(thread, "llm", first, Map.of("state", state(1))).statusCode(201);
        put(thread, "llm", second, Map.of("state", state(2))).statusCode(201).body("isDelta", equalTo(true))
                .body("parentId", equalTo(first.toString()));
        // another instance's checkpoint, of the second's state, stored after it
        UUID elsewhere = UUID.randomUUID();
        execute("""
                INSERT INTO checkpoints (id, tenant_id, thread_id, namespace, parent_id, metadata, is_delta,
                    base_checkpoint_id, delta_depth, payload, is_compressed, data_size_bytes, payload_raw_bytes,
                    state_size_bytes, state_sha256)
                SELECT $2, tenant_id, thread_id, namespace, parent_id, metadata, is_delta, base_checkpoint_id,
                    delta_depth, payload, is_compressed, data_size_bytes, payload_raw_bytes, state_size_bytes, state_sha256
                FROM checkpoints WHERE id = $1""", second, elsewhere);

        double fromMemory = puts("memory");
        double fromTable = puts("table");
        UUID third = UUID.randomUUID();
        put(thread, "llm", third, Map.of("state", state(3))).statusCode(201).body("isDelta", equalTo(true))
                .body("parentId", equalTo(elsewhere.toString()));
        assertThat(puts("table") - fromTable).isEqualTo(1);
        UUID fourth = UUID.randomUUID();
        put(thread, "llm", fourth, Map.of("state", state(4))).statusCode(201).body("isDelta", equalTo(true))
                .body("parentId", equalTo(third.toString()));
        // the fourth followed the third from memory, in one statement
        assertThat(puts("memory") - fromMemory).isEqualTo(1);
        assertThat(puts("table") - fromTable).isEqualTo(1);
        get(thread, "llm", third).body("state.answers", hasSize(4));
        get(thread, "llm", fourth).body("state.answers", hasSize(5));
        // a put repeated after it was stored is the same checkpoint, not a second one
        put(thread, "llm", fourth, Map.of("state", state(4))).statusCode(200).body("id", equalTo(fourth.toString()));
        assertThat(count("SELECT count(*) FROM checkpoints WHERE thread_id = $1", thread)).isEqualTo(5);
    }

    @Test
    void deletingAThreadDeletesEveryNamespace() {
        UUID thread = UUID.randomUUID();
        put(thread, "llm", UUID.randomUUID(), Map.of("state", state(1))).statusCode(201);
        put(thread, "embedding", UUID.randomUUID(), Map.of("state", state(1))).statusCode(201);
        given().header("X-ZhiYue-Subject", "ops-wu").when().delete("/api/v1/checkpoints/{t}", thread).then().statusCode(204);
        given().when().get("/api/v1/checkpoints/{t}/llm/latest", thread).then().statusCode(404).contentType(PROBLEM);
        given().when().delete("/api/v1/checkpoints/{t}", thread).then().statusCode(404).contentType(PROBLEM);
        // audited once (the refused second delete is not), with who, through the outbox
        List<String> audited = new ArrayList<>();
        pool.preparedQuery("SELECT payload FROM outbox WHERE stream = 'zhiyue:audit' AND key = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of("audit:thread:" + thread)).await().indefinitely()
                .forEach(row -> audited.add(row.getString("payload")));
        assertThat(audited).singleElement().asString().contains("\"action\":\"checkpoints.deleted\"")
                .contains("\"actor\":\"ops-wu\"").contains("\"checkpoints\":2");
    }

    @Test
    void badInputIsAClearProblem() {
        UUID thread = UUID.randomUUID();
        given().when().get("/api/v1/checkpoints/{t}/llm/latest", thread).then().statusCode(404).contentType(PROBLEM)
                .body("detail", containsString(thread.toString()));
        given().when().get("/api/v1/checkpoints/{t}/llm/{id}", thread, UUID.randomUUID()).then().statusCode(404)
                .contentType(PROBLEM);
        put(thread, "llm", UUID.randomUUID(), Map.of("state", List.of(1, 2))).statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("state"));
        put(thread, "llm", UUID.randomUUID(), Map.of("metadata", Map.of())).statusCode(400).contentType(PROBLEM);
        put(thread, "llm", UUID.randomUUID(), Map.of("state", state(1), "metadata", "x")).statusCode(400)
                .body("errors[0].field", equalTo("metadata"));
        put(thread, "Bad Namespace!", UUID.randomUUID(), Map.of("state", state(1))).statusCode(400)
                .body("errors[0].field", equalTo("namespace"));
        put(thread, "llm", UUID.randomUUID(), Map.of("state", state(1), "parentId", UUID.randomUUID().toString()))
                .statusCode(400).body("errors[0].field", equalTo("parentId"));
        given().contentType(ContentType.JSON).body("{\"state\": {").when()
                .put("/api/v1/checkpoints/{t}/llm/{id}", thread, UUID.randomUUID()).then().statusCode(400)
                .contentType(PROBLEM);
        for (String blank : List.of("", "  \n")) {
            given().contentType(ContentType.JSON).body(blank).when()
                    .put("/api/v1/checkpoints/{t}/llm/{id}", thread, UUID.randomUUID()).then().statusCode(400)
                    .contentType(PROBLEM).body("errors[0].field", equalTo("state"));
        }
        given().contentType(ContentType.JSON).body(Map.of("state", state(1))).when()
                .put("/api/v1/checkpoints/{t}/llm/{id}", thread, "not-an-id").then().statusCode(404).contentType(PROBLEM);
        given().contentType(ContentType.JSON).body("{\"state\": {\"huge\": 1e400, \"exact\": 1.10}}").when()
                .put("/api/v1/checkpoints/{t}/numbers/{id}", thread, UUID.randomUUID()).then().statusCode(201);
        // numbers are kept by value, exactly (1.10 is 1.1), and a huge one is a number, not an infinity
        given().when().get("/api/v1/checkpoints/{t}/numbers/latest", thread).then().statusCode(200)
                .body(containsString("\"exact\":1.1")).body(containsString("\"huge\":1E+400"));
        put(thread, "llm", UUID.randomUUID(), Map.of("state", state(1), "metadata", Map.of("bad", "nul\u0000")))
                .statusCode(400).contentType(PROBLEM);
        Map<String, Object> big = Map.of("text", "x".repeat(250_000));
        put(thread, "llm", UUID.randomUUID(), Map.of("state", big)).statusCode(413).contentType(PROBLEM);
        assertThat(count("SELECT count(*) FROM checkpoints WHERE thread_id = $1 AND namespace <> 'numbers'", thread))
                .isZero();
    }

    @Test
    void aChangedRowOrABrokenChainIsNamedNeverServedEmpty() {
        UUID thread = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            put(thread, "llm", id, Map.of("state", state(i))).statusCode(201);
        }
        execute("UPDATE checkpoints SET state_sha256 = repeat('0', 64) WHERE id = $1", ids.get(2));
        get(thread, "llm", ids.get(2), 409).contentType(PROBLEM).body("code", equalTo("CHECKPOINT_CORRUPT"))
                .body("detail", containsString(ids.get(2).toString()));
        // the snapshot the deltas start from is gone: every delta after it is unreadable, and says so
        execute("DELETE FROM checkpoints WHERE id = $1", ids.get(0));
        get(thread, "llm", ids.get(3), 409).body("code", equalTo("CHECKPOINT_CORRUPT"))
                .body("detail", containsString(ids.get(3).toString())).body("detail", containsString("chain is broken"));
        // a corrupt latest does not block the thread: the next checkpoint is stored whole, naming it as parent
        UUID next = UUID.randomUUID();
        put(thread, "llm", next, Map.of("state", state(5))).statusCode(201).body("isDelta", equalTo(false))
                .body("parentId", equalTo(ids.get(3).toString()));
        get(thread, "llm", next).body("state.answers", hasSize(6));
    }

    @Test
    void aSaveThatKeepsFailingIsTriedFourTimesThenKeptForAnOperator() {
        execute("CREATE SEQUENCE IF NOT EXISTS failing_save_attempts");
        execute("""
                CREATE OR REPLACE FUNCTION refuse_failing_namespace() RETURNS trigger AS $$
                BEGIN
                  PERFORM nextval('failing_save_attempts');
                  RAISE EXCEPTION 'checkpoint writes refused for the test';
                END $$ LANGUAGE plpgsql""");
        execute("DROP TRIGGER IF EXISTS refuse_failing ON checkpoints");
        execute("CREATE TRIGGER refuse_failing BEFORE INSERT ON checkpoints FOR EACH ROW "
                + "WHEN (NEW.namespace = 'failing') EXECUTE FUNCTION refuse_failing_namespace()");
        long before = count("SELECT last_value + CASE WHEN is_called THEN 0 ELSE -1 END FROM failing_save_attempts");
        UUID thread = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        put(thread, "failing", id, Map.of("state", state(2))).statusCode(503).contentType(PROBLEM)
                .body("detail", containsString(id.toString())).body("detail", containsString("failed_saves"));
        long after = count("SELECT last_value FROM failing_save_attempts");
        assertThat(after - before).as("the first try and three retries").isEqualTo(4);
        assertThat(count("SELECT count(*) FROM failed_saves WHERE checkpoint_id = $1 AND attempts = 4", id)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE type = 'SYSTEM_STATUS' AND payload LIKE '%"
                + id + "%' AND payload LIKE '%CHECKPOINT_SAVE_FAILED%'")).isEqualTo(1);
        // other namespaces are not touched by it
        put(thread, "llm", UUID.randomUUID(), Map.of("state", state(2))).statusCode(201);
    }

    @Test
    void retentionKeepsTheNewestAndEveryCheckpointTheyNeed() {
        UUID thread = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            UUID id = io.zhiyue.checkpoint.service.Uuid7.next();
            ids.add(id);
            put(thread, "retention", id, Map.of("state", state(i % 20))).statusCode(201);
        }
        // the scheduled sweep runs under the service's retention lease (RetentionSweepsTest: only its holder sweeps)
        assertThat(retention.sweepUnderLease().await().indefinitely()).as("this instance holds the lease").isTrue();
        long left = count("SELECT count(*) FROM checkpoints WHERE thread_id = $1", thread);
        assertThat(left).isBetween(100L, 110L);

        // the oldest kept one still reads: its snapshot and deltas were kept with it
        for (UUID id : ids.subList(5, 105)) {
            get(thread, "retention", id).statusCode(200);
        }
    }

    private static Map<String, Object> state(int answers) {
        List<Map<String, Object>> done = new ArrayList<>();
        for (int i = 0; i <= answers; i++) {
            done.add(Map.of("submission", "s" + i, "score", i % 5, "reply", "{\"points\":[],\"score\":" + (i % 5) + "}"));
        }
        Map<String, Object> state = new HashMap<>();
        state.put("answers", done);
        state.put("stage", "llm");
        return state;
    }

    private static ValidatableResponse put(UUID thread, String namespace, UUID id, Object body) {
        return given().contentType(ContentType.JSON).body(body).when()
                .put("/api/v1/checkpoints/{t}/{ns}/{id}", thread, namespace, id).then();
    }

    private static ValidatableResponse get(UUID thread, String namespace, UUID id) {
        return get(thread, namespace, id, 200);
    }

    private static ValidatableResponse get(UUID thread, String namespace, UUID id, int status) {
        return given().when().get("/api/v1/checkpoints/{t}/{ns}/{id}", thread, namespace, id).then().statusCode(status);
    }

    private double puts(String parent) {
        return registry.get("zhiyue.checkpoint.puts").tag("parent", parent).counter().count();
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely().iterator().next().getLong(0);
    }

    private void execute(String sql, Object... args) {
        if (args.length == 0) {
            pool.query(sql).execute().await().indefinitely();
        } else {
            pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely();
        }
    }
}
