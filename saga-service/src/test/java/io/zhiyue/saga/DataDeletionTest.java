package io.zhiyue.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.saga.service.SagaDataDeletion;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.DataDeletionRequested.Kind;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
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
import static org.hamcrest.Matchers.equalTo;

/**
 * Deleting answers deletes their ended sagas and pseudonymises the ones still open; erasing a student pseudonymises
 * every saga of theirs (data, results, commands, replies, errors, operators' reasons) and nothing of another student
 * whose id merely starts the same; both confirm through the outbox with the counts and change nothing more when the
 * request comes again.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class DataDeletionTest {

    private static final String OTHER_TENANT = "another-school";

    @Inject
    Pool pool;

    @Inject
    DataDeletionParticipant participant;

    @Inject
    SagaDataDeletion handler;

    private final String tenant = "school-" + UUID.randomUUID();
    /** Ids unique to the run (a student id prefix of another's: erasing one must not touch the other). */
    private final String student = "S" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100_000);
    private final String otherStudent = student + "2";

    @Test
    void deletedAnswersTakeTheirEndedSagasAlongAndLeaveTheOpenOnesPseudonymised() {
        UUID job = UUID.randomUUID();
        UUID deletedAnswer = UUID.randomUUID();
        UUID keptAnswer = UUID.randomUUID();
        UUID completed = saga(tenant, "COMPLETED", data(job, deletedAnswer, student));
        step(completed, data(job, deletedAnswer, student), null);
        action(completed, "retried for " + student);
        UUID parked = saga(tenant, "PARKED", data(job, deletedAnswer, student));
        step(parked, data(job, deletedAnswer, student), "grading-service refused " + student + "'s override");
        action(parked, "waiting for " + student + "'s teacher");
        UUID othersAnswer = saga(tenant, "COMPLETED", data(job, keptAnswer, otherStudent));
        UUID otherTenants = saga(OTHER_TENANT, "COMPLETED", data(job, deletedAnswer, student));

        DataDeletionRequested request = new DataDeletionRequested(UUID.randomUUID(), Kind.SUBMISSION,
                List.of(UUID.randomUUID()), List.of(job), List.of(deletedAnswer), List.of(), null, "P-" + UUID.randomUUID(),
                Instant.now());
        participant.handle(handler, request.envelope(tenant)).await().indefinitely();

        assertThat(count("SELECT count(*) FROM saga_instances WHERE id = $1", completed)).isZero();
        assertThat(count("SELECT count(*) FROM saga_steps WHERE saga_id = $1", completed)).isZero();
        assertThat(count("SELECT count(*) FROM saga_actions WHERE saga_id = $1", completed)).isZero();
        // the parked one can still be ended by an operator, without the student's id
        given().header(TenantHeaders.TENANT, tenant).when().get("/api/v1/sagas/{id}", parked).then().statusCode(200)
                .body("state", equalTo("PARKED")).body("data.studentId", equalTo(request.pseudonym()))
                .body("data.submissionId", equalTo(deletedAnswer.toString()));
        assertThat(text("SELECT i.data::text || s.command::text || s.error FROM saga_instances i JOIN saga_steps s "
                + "ON s.saga_id = i.id WHERE i.id = $1", parked)).doesNotContain(student)
                .contains(request.pseudonym());
        assertThat(text("SELECT reason FROM saga_actions WHERE saga_id = $1", parked))
                .isEqualTo("waiting for " + request.pseudonym() + "'s teacher");
        // another answer's saga, and another tenant's, are as they were
        assertThat(studentOf(othersAnswer)).isEqualTo(otherStudent);
        assertThat(studentOf(otherTenants)).isEqualTo(student);

        participant.handle(handler, request.envelope(tenant)).await().indefinitely();
        assertThat(confirmations(request.requestId())).extracting(DataDeletionConfirmed::removed).containsExactly(
                Map.of("sagasDeleted", 1L, "sagasPseudonymised", 1L), Map.of("sagasDeleted", 0L, "sagasPseudonymised", 0L));
    }

    @Test
    void anErasedStudentsSagasAreAllKeptWithThePseudonymAndNoOtherStudentIsTouched() {
        UUID job = UUID.randomUUID();
        UUID answer = UUID.randomUUID();
        UUID ended = saga(tenant, "COMPLETED", data(job, answer, student));
        step(ended, data(job, answer, student), null);
        pool.preparedQuery("""
                UPDATE saga_steps SET result = jsonb_build_object('student', $2::text, 'channel', 'user:' || $2)
                WHERE saga_id = $1""").execute(Tuple.of(ended, student)).await().indefinitely();
        action(ended, "asked " + student + ", not " + otherStudent + ": ok");
        // named by the student alone (an answer the request does not list)
        UUID open = saga(tenant, "RUNNING", data(job, UUID.randomUUID(), student));
        UUID others = saga(tenant, "COMPLETED", data(job, UUID.randomUUID(), otherStudent));
        step(others, data(job, answer, otherStudent), "failed for " + otherStudent);
        action(others, "retried " + otherStudent);

        String pseudonym = "P-" + UUID.randomUUID();
        DataDeletionRequested request = new DataDeletionRequested(UUID.randomUUID(), Kind.STUDENT, List.of(),
                List.of(job), List.of(answer), List.of(), student, pseudonym, Instant.now());
        participant.handle(handler, request.envelope(tenant)).await().indefinitely();

        assertThat(studentOf(ended)).isEqualTo(pseudonym);
        assertThat(studentOf(open)).isEqualTo(pseudonym);
        JsonNode reply = JsonCodec.read(text("SELECT result::text FROM saga_steps WHERE saga_id = $1", ended),
                JsonNode.class);
        assertThat(reply.path("student").asText()).isEqualTo(pseudonym);
        // a JSON value is replaced only whole: one that holds the id among other text keeps its shape
        assertThat(reply.path("channel").asText()).isEqualTo("user:" + student);
        assertThat(text("SELECT command->'data'->>'studentId' FROM saga_steps WHERE saga_id = $1", ended))
                .isEqualTo(pseudonym);
        assertThat(text("SELECT reason FROM saga_actions WHERE saga_id = $1", ended))
                .isEqualTo("asked " + pseudonym + ", not " + otherStudent + ": ok");
        // the other student, whose id starts with the erased one, keeps theirs everywhere
        assertThat(studentOf(others)).isEqualTo(otherStudent);
        assertThat(text("SELECT command->'data'->>'studentId' || ' ' || error FROM saga_steps WHERE saga_id = $1",
                others)).isEqualTo(otherStudent + " failed for " + otherStudent);
        assertThat(text("SELECT reason FROM saga_actions WHERE saga_id = $1", others))
                .isEqualTo("retried " + otherStudent);

        participant.handle(handler, request.envelope(tenant)).await().indefinitely();
        assertThat(count("SELECT count(*) FROM saga_instances WHERE tenant_id = $1", tenant)).isEqualTo(3);
        assertThat(confirmations(request.requestId())).extracting(DataDeletionConfirmed::removed).containsExactly(
                Map.of("sagasDeleted", 0L, "sagasPseudonymised", 2L), Map.of("sagasDeleted", 0L, "sagasPseudonymised", 0L));
    }

    /** A score-override saga's data as grading-service builds it. */
    private static Map<String, Object> data(UUID job, UUID submission, String studentId) {
        return Map.of("jobId", job.toString(), "submissionId", submission.toString(), "examId",
                UUID.randomUUID().toString(), "studentId", studentId, "questionNumber", 1, "score", 2.5,
                "reason", "misread", "by", "teacher-li");
    }

    private UUID saga(String tenantId, String state, Map<String, Object> data) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("""
                INSERT INTO saga_instances (id, tenant_id, definition, definition_version, request_key, state, data,
                                            step, kind, attempt, token, awaiting, started_by, ended_at)
                VALUES ($1, $2, 'score-override', 1, $3, $4, $5::text::jsonb, 1, 'FORWARD', 1, 1, true, 'teacher-li',
                        CASE WHEN $4 IN ('COMPLETED', 'COMPENSATED', 'RESOLVED') THEN now() END)""")
                .execute(Tuple.of(id, tenantId, "key-" + id, state, JsonCodec.write(data))).await().indefinitely();
        return id;
    }

    private void step(UUID saga, Map<String, Object> data, String error) {
        Map<String, Object> command = Map.of("sagaId", saga.toString(), "step", 0, "data", data);
        pool.preparedQuery("""
                INSERT INTO saga_steps (saga_id, step, name, participant, kind, attempt, token, command, outcome, error)
                VALUES ($1, 0, 'override-score', 'grading-service', 'FORWARD', 1, 1, $2::text::jsonb, 'DONE', $3)""")
                .execute(Tuple.of(saga, JsonCodec.write(command), error)).await().indefinitely();
    }

    private void action(UUID saga, String reason) {
        pool.preparedQuery("INSERT INTO saga_actions (saga_id, action, step, reason, actor) VALUES ($1, 'retry', 0, $2, 'ops-wu')")
                .execute(Tuple.of(saga, reason)).await().indefinitely();
    }

    private String studentOf(UUID saga) {
        return text("SELECT data->>'studentId' FROM saga_instances WHERE id = $1", saga);
    }

    private String text(String sql, Object arg) {
        return pool.preparedQuery(sql).execute(Tuple.of(arg)).await().indefinitely().iterator().next().getString(0);
    }

    private long count(String sql, Object arg) {
        return pool.preparedQuery(sql).execute(Tuple.of(arg)).await().indefinitely().iterator().next().getLong(0);
    }

    /** The confirmations written to the outbox for the request, oldest first. */
    private List<DataDeletionConfirmed> confirmations(UUID requestId) {
        List<DataDeletionConfirmed> found = new ArrayList<>();
        pool.preparedQuery("""
                SELECT payload FROM outbox WHERE stream = 'zhiyue:lifecycle' AND type = 'DATA_DELETION_CONFIRMED'
                  AND key = $1 AND tenant_id = $2 ORDER BY id""")
                .execute(Tuple.of("deletion:" + requestId + ":saga-service", tenant)).await().indefinitely()
                .forEach(row -> found.add(JsonCodec.read(row.getString("payload"), DataDeletionConfirmed.class)));
        return found;
    }
}
