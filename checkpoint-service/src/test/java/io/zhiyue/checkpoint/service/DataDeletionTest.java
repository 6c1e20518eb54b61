package io.zhiyue.checkpoint.service;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deletion request removes every checkpoint (all namespaces) and kept failed save of the jobs it names, in its
 * tenant only, confirms through the outbox with the counts, and removes nothing more when it comes again.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class DataDeletionTest {

    private static final String TENANT = "demo-school";
    private static final String OTHER_TENANT = "another-school";

    @Inject
    Pool pool;

    @Inject
    DataDeletionParticipant participant;

    @Inject
    CheckpointDeletion handler;

    @Test
    void theNamedJobsCheckpointsAndFailedSavesGoAndOnlyThey() {
        UUID deleted = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        for (UUID job : List.of(deleted, kept)) {
            put(TENANT, job, "llm");
            put(TENANT, job, "llm");
            put(TENANT, job, "embedding");
            failedSave(TENANT, job);
        }
        // the same job id in another tenant is another tenant's thread
        put(OTHER_TENANT, deleted, "llm");
        failedSave(OTHER_TENANT, deleted);

        DataDeletionRequested request = new DataDeletionRequested(UUID.randomUUID(), DataDeletionRequested.Kind.EXAM,
                List.of(UUID.randomUUID()), List.of(deleted), List.of(UUID.randomUUID()), List.of(), null, null,
                Instant.now());
        participant.handle(handler, request.envelope(TENANT)).await().indefinitely();

        assertThat(count("SELECT count(*) FROM checkpoints WHERE tenant_id = $1 AND thread_id = $2", TENANT, deleted))
                .isZero();
        assertThat(count("SELECT count(*) FROM failed_saves WHERE tenant_id = $1 AND thread_id = $2", TENANT, deleted))
                .isZero();
        assertThat(count("SELECT count(*) FROM checkpoints WHERE tenant_id = $1 AND thread_id = $2", TENANT, kept))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM failed_saves WHERE tenant_id = $1 AND thread_id = $2", TENANT, kept))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM checkpoints WHERE tenant_id = $1 AND thread_id = $2", OTHER_TENANT,
                deleted)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM failed_saves WHERE tenant_id = $1 AND thread_id = $2", OTHER_TENANT,
                deleted)).isEqualTo(1);
        given().when().get("/api/v1/checkpoints/{t}/embedding/latest", deleted).then().statusCode(404);
        given().when().get("/api/v1/checkpoints/{t}/embedding/latest", kept).then().statusCode(200);

        // a redelivery confirms again and removes nothing more
        participant.handle(handler, request.envelope(TENANT)).await().indefinitely();
        assertThat(count("SELECT count(*) FROM checkpoints WHERE tenant_id = $1 AND thread_id = $2", TENANT, kept))
                .isEqualTo(3);

        assertThat(confirmations(request.requestId())).extracting(DataDeletionConfirmed::removed).containsExactly(
                Map.of("checkpoints", 3L, "failedSaves", 1L), Map.of("checkpoints", 0L, "failedSaves", 0L));
    }

    private static void put(String tenant, UUID thread, String namespace) {
        given().header("X-ZhiYue-Tenant", tenant).contentType(ContentType.JSON)
                .body(Map.of("state", Map.of("answers", List.of(Map.of("submission", "s1", "score", 2)))))
                .when().put("/api/v1/checkpoints/{t}/{ns}/{id}", thread, namespace, UUID.randomUUID()).then()
                .statusCode(201);
    }

    private void failedSave(String tenant, UUID thread) {
        pool.preparedQuery("""
                INSERT INTO failed_saves (id, tenant_id, thread_id, namespace, checkpoint_id, state, attempts, error)
                VALUES ($1, $2, $3, 'llm', $4, '{"answers":[]}', 4, 'disk full')""")
                .execute(Tuple.of(UUID.randomUUID(), tenant, thread, UUID.randomUUID())).await().indefinitely();
    }

    /** The confirmations written to the outbox for the request, oldest first. */
    private List<DataDeletionConfirmed> confirmations(UUID requestId) {
        List<DataDeletionConfirmed> found = new ArrayList<>();
        pool.preparedQuery("""
                SELECT payload FROM outbox WHERE stream = 'zhiyue:lifecycle' AND type = 'DATA_DELETION_CONFIRMED'
                  AND key = $1 AND tenant_id = $2 ORDER BY id""")
                .execute(Tuple.of("deletion:" + requestId + ":checkpoint-service", TENANT)).await().indefinitely()
                .forEach(row -> found.add(JsonCodec.read(row.getString("payload"), DataDeletionConfirmed.class)));
        return found;
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely().iterator().next().getLong(0);
    }
}
