package io.zhiyue.saga.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.saga.model.Saga;
import io.zhiyue.saga.model.SagaState;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.shared.saga.SagaReply;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The saga log in schema {@code saga}: instances, every command attempt, and operators' actions. */
@ApplicationScoped
public class SagaRepository {

    private static final String COLUMNS = """
            id, tenant_id, definition, definition_version, request_key, state, data::text AS data,
            results::text AS results, step, kind, attempt, token, awaiting, due_at, completed, cancel_requested,
            skipped, started_by, error, created_at, updated_at, ended_at""";
    private static final String INSERT = """
            INSERT INTO saga_instances (id, tenant_id, definition, definition_version, request_key, state, data, step,
                                        kind, attempt, token, awaiting, started_by)
            VALUES ($1, $2, $3, $4, $5, 'RUNNING', $6::text::jsonb, 0, 'FORWARD', 1, 1, false, $7)
            ON CONFLICT (tenant_id, definition, request_key) DO NOTHING
            RETURNING\s""" + COLUMNS;
    private static final String BY_KEY = "SELECT " + COLUMNS
            + " FROM saga_instances WHERE tenant_id = $1 AND definition = $2 AND request_key = $3";
    private static final String LOCK = "SELECT " + COLUMNS + " FROM saga_instances WHERE id = $1 FOR UPDATE";
    private static final String LOCK_OF_TENANT = "SELECT " + COLUMNS
            + " FROM saga_instances WHERE tenant_id = $1 AND id = $2 FOR UPDATE";
    private static final String FIND = "SELECT " + COLUMNS + " FROM saga_instances WHERE tenant_id = $1 AND id = $2";
    /** Sagas whose awaited command timed out or whose backoff ended; one coordinator each (SKIP LOCKED). */
    private static final String CLAIM_DUE = "SELECT " + COLUMNS + """
             FROM saga_instances WHERE due_at <= now() AND state IN ('RUNNING', 'COMPENSATING')
            ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED""";
    private static final String UPDATE = """
            UPDATE saga_instances SET state = $2, results = $3::text::jsonb, step = $4, kind = $5, attempt = $6,
                   token = $7, awaiting = $8, due_at = $9, completed = $10, cancel_requested = $11, skipped = $12,
                   error = $13, updated_at = now(),
                   ended_at = CASE WHEN $2 IN ('COMPLETED', 'COMPENSATED', 'RESOLVED') THEN now() ELSE NULL END
            WHERE id = $1""";
    /** A new due time for the awaited command, leaving {@code updated_at} (when it was sent) as it is. */
    private static final String POSTPONE = "UPDATE saga_instances SET due_at = $2 WHERE id = $1";
    private static final String INSERT_ATTEMPT = """
            INSERT INTO saga_steps (saga_id, step, name, participant, kind, attempt, token, command)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)
            ON CONFLICT (saga_id, step, kind, attempt) DO NOTHING""";
    private static final String RECORD_REPLY = """
            UPDATE saga_steps SET outcome = $5, error = $6, result = $7::text::jsonb, late = $8, replied_at = now(),
                   duration_ms = (extract(epoch FROM now() - sent_at) * 1000)::bigint
            WHERE saga_id = $1 AND step = $2 AND kind = $3 AND attempt = $4 AND (outcome IS NULL OR outcome = 'TIMED_OUT')""";
    private static final String RECORD_TIMEOUT = """
            UPDATE saga_steps SET outcome = 'TIMED_OUT', error = $5
            WHERE saga_id = $1 AND step = $2 AND kind = $3 AND attempt = $4 AND outcome IS NULL""";
    private static final String ATTEMPTS = """
            SELECT step, name, participant, kind, attempt, token, outcome, error, result::text AS result, late, sent_at,
                   replied_at, duration_ms FROM saga_steps WHERE saga_id = $1 ORDER BY id""";
    private static final String ACTIONS = "SELECT action, step, reason, actor, at FROM saga_actions WHERE saga_id = $1 ORDER BY id";
    private static final String INSERT_ACTION = """
            INSERT INTO saga_actions (saga_id, action, step, reason, actor) VALUES ($1, $2, $3, $4, $5)""";
    private static final String LIST = "SELECT " + COLUMNS + """
             FROM saga_instances WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2)
              AND ($3::text IS NULL OR definition = $3)
            ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5""";
    private static final String COUNT = """
            SELECT count(*) FROM saga_instances WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2)
              AND ($3::text IS NULL OR definition = $3)""";

    /** The tenant's sagas whose data names one of the submissions, jobs, exams or the student; locked. */
    private static final String CONCERNED = """
            SELECT id, state, data->>'studentId' AS student_id FROM saga_instances
            WHERE tenant_id = $1 AND (data->>'submissionId' = ANY($2::text[]) OR data->>'jobId' = ANY($3::text[])
                                      OR data->>'examId' = ANY($4::text[]) OR data->>'studentId' = $5)
            ORDER BY id FOR UPDATE""";
    /** Steps and actions go with their saga (ON DELETE CASCADE). */
    private static final String DELETE_SAGAS = "DELETE FROM saga_instances WHERE tenant_id = $1 AND id = ANY($2::uuid[])";
    /**
     * Writes $4 in place of $3 in the sagas $2: where a JSON document holds it as a whole string value (data,
     * results, commands, replies: never inside another value, so ids, keys and hashes stay whole), and where free
     * text holds it as a whole token $5 (errors, operators' reasons; $6 the replacement). Answers how many of the
     * sagas changed anywhere.
     */
    private static final String PSEUDONYMISE = """
            WITH instances AS (
                UPDATE saga_instances
                   SET data = replace(data::text, to_json($3::text)::text, to_json($4::text)::text)::jsonb,
                       results = replace(results::text, to_json($3::text)::text, to_json($4::text)::text)::jsonb,
                       error = regexp_replace(error, $5, $6, 'g')
                 WHERE tenant_id = $1 AND id = ANY($2::uuid[])
                   AND (strpos(data::text, to_json($3::text)::text) > 0
                        OR strpos(results::text, to_json($3::text)::text) > 0 OR error ~ $5)
                RETURNING id),
            steps AS (
                UPDATE saga_steps
                   SET command = replace(command::text, to_json($3::text)::text, to_json($4::text)::text)::jsonb,
                       result = replace(result::text, to_json($3::text)::text, to_json($4::text)::text)::jsonb,
                       error = regexp_replace(error, $5, $6, 'g')
                 WHERE saga_id = ANY($2::uuid[])
                   AND (strpos(command::text, to_json($3::text)::text) > 0
                        OR strpos(result::text, to_json($3::text)::text) > 0 OR error ~ $5)
                RETURNING saga_id AS id),
            actions AS (
                UPDATE saga_actions SET reason = regexp_replace(reason, $5, $6, 'g')
                 WHERE saga_id = ANY($2::uuid[]) AND reason ~ $5
                RETURNING saga_id AS id)
            SELECT count(DISTINCT id) AS changed
            FROM (SELECT id FROM instances UNION ALL SELECT id FROM steps UNION ALL SELECT id FROM actions) AS changed""";

    /** Every tenant's sagas in one state (operators' gauges). */
    private static final String COUNT_IN_STATE = "SELECT count(*) FROM saga_instances WHERE state = $1";

    private final Pool pool;

    public SagaRepository(Pool pool) {
        this.pool = pool;
    }

    /** The new saga's row, locked by {@code tx}; null when the tenant started it before under that key. */
    public Uni<SagaRow> insert(SqlConnection tx, UUID id, String tenant, String definition, int version,
            String requestKey, JsonNode data, String startedBy) {
        return tx.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(id, tenant, definition, version, requestKey,
                JsonCodec.write(data), startedBy))).map(SagaRepository::first);
    }

    public Uni<SagaRow> byKey(SqlConnection tx, String tenant, String definition, String requestKey) {
        return tx.preparedQuery(BY_KEY).execute(Tuple.of(tenant, definition, requestKey)).map(SagaRepository::first);
    }

    public Uni<SagaRow> lock(SqlConnection tx, UUID id) {
        return tx.preparedQuery(LOCK).execute(Tuple.of(id)).map(SagaRepository::first);
    }

    public Uni<SagaRow> lock(SqlConnection tx, String tenant, UUID id) {
        return tx.preparedQuery(LOCK_OF_TENANT).execute(Tuple.of(tenant, id)).map(SagaRepository::first);
    }

    public Uni<List<SagaRow>> claimDue(SqlConnection tx, int limit) {
        return tx.preparedQuery(CLAIM_DUE).execute(Tuple.of(limit)).map(SagaRepository::all);
    }

    public Uni<Void> update(SqlConnection tx, SagaRow row) {
        return tx.preparedQuery(UPDATE).execute(Tuple.from(Arrays.asList(row.id, row.state.name(),
                        JsonCodec.write(row.results), row.step, row.kind.name(), row.attempt, row.token, row.awaiting,
                        row.dueAt, row.completed, row.cancelRequested, row.skipped, row.error)))
                .replaceWithVoid();
    }

    public Uni<Void> postpone(SqlConnection tx, UUID id, OffsetDateTime dueAt) {
        return tx.preparedQuery(POSTPONE).execute(Tuple.of(id, dueAt)).replaceWithVoid();
    }

    public Uni<Void> insertAttempt(SqlConnection tx, SagaRow row, String name, String participant,
            SagaCommand command) {
        return tx.preparedQuery(INSERT_ATTEMPT).execute(Tuple.from(Arrays.asList(row.id, row.step, name, participant,
                row.kind.name(), row.attempt, row.token, JsonCodec.write(command)))).replaceWithVoid();
    }

    public Uni<Void> recordReply(SqlConnection tx, SagaReply reply, boolean late) {
        return tx.preparedQuery(RECORD_REPLY).execute(Tuple.from(Arrays.asList(reply.sagaId(), reply.step(),
                reply.kind().name(), reply.attempt(), reply.outcome().name(), reply.error(),
                reply.result() == null ? null : JsonCodec.write(reply.result()), late))).replaceWithVoid();
    }

    public Uni<Void> recordTimeout(SqlConnection tx, SagaRow row, String why) {
        return tx.preparedQuery(RECORD_TIMEOUT).execute(Tuple.of(row.id, row.step, row.kind.name(), row.attempt, why))
                .replaceWithVoid();
    }

    public Uni<Void> insertAction(SqlConnection tx, UUID sagaId, String action, int step, String reason,
            String actor) {
        return tx.preparedQuery(INSERT_ACTION).execute(Tuple.of(sagaId, action, step, reason, actor))
                .replaceWithVoid();
    }

    /** A saga a deletion concerns: its state and the student its data names (null: none). */
    public record Concerned(UUID id, SagaState state, String studentId) {
    }

    /**
     * The tenant's sagas whose data names one of the submissions, jobs or exams, or the student (null: none), locked
     * by {@code tx} until it ends.
     */
    public Uni<List<Concerned>> concerned(SqlConnection tx, String tenant, List<UUID> submissionIds, List<UUID> jobIds,
            List<UUID> examIds, String studentId) {
        return tx.preparedQuery(CONCERNED).execute(Tuple.from(Arrays.asList(tenant, texts(submissionIds),
                texts(jobIds), texts(examIds), studentId))).map(rows -> {
                    List<Concerned> found = new ArrayList<>();
                    for (Row row : rows) {
                        found.add(new Concerned(row.getUUID("id"), SagaState.valueOf(row.getString("state")),
                                row.getString("student_id")));
                    }
                    return found;
                });
    }

    /** Deletes the sagas with their steps and actions; answers how many went. */
    public Uni<Integer> delete(SqlConnection tx, String tenant, List<UUID> ids) {
        return tx.preparedQuery(DELETE_SAGAS).execute(Tuple.of(tenant, ids.toArray(new UUID[0])))
                .map(RowSet::rowCount);
    }

    /**
     * Writes {@code pseudonym} in place of {@code id} wherever the sagas hold it (see {@link #PSEUDONYMISE});
     * {@code wholeToken} and {@code replacement} are its regular expression and replacement text for free text.
     * Answers how many of the sagas changed.
     */
    public Uni<Integer> pseudonymise(SqlConnection tx, String tenant, List<UUID> ids, String id, String pseudonym,
            String wholeToken, String replacement) {
        return tx.preparedQuery(PSEUDONYMISE).execute(Tuple.from(Arrays.asList(tenant, ids.toArray(new UUID[0]), id,
                pseudonym, wholeToken, replacement))).map(rows -> rows.iterator().next().getLong("changed").intValue());
    }

    private static String[] texts(List<UUID> ids) {
        return ids.stream().map(UUID::toString).toArray(String[]::new);
    }

    public Uni<SagaRow> find(String tenant, UUID id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(tenant, id)).map(SagaRepository::first);
    }

    public Uni<List<Saga.Attempt>> attempts(UUID id) {
        return pool.preparedQuery(ATTEMPTS).execute(Tuple.of(id)).map(rows -> {
            List<Saga.Attempt> attempts = new ArrayList<>();
            for (Row row : rows) {
                String result = row.getString("result");
                attempts.add(new Saga.Attempt(row.getInteger("step"), row.getString("name"),
                        row.getString("participant"), row.getString("kind"), row.getInteger("attempt"),
                        row.getLong("token"), row.getString("outcome"), row.getString("error"),
                        result == null ? null : JsonCodec.read(result, JsonNode.class), row.getBoolean("late"),
                        row.getOffsetDateTime("sent_at"), row.getOffsetDateTime("replied_at"),
                        row.getLong("duration_ms")));
            }
            return attempts;
        });
    }

    public Uni<List<Saga.Action>> actions(UUID id) {
        return pool.preparedQuery(ACTIONS).execute(Tuple.of(id)).map(rows -> {
            List<Saga.Action> actions = new ArrayList<>();
            for (Row row : rows) {
                actions.add(new Saga.Action(row.getString("action"), row.getInteger("step"), row.getString("reason"),
                        row.getString("actor"), row.getOffsetDateTime("at")));
            }
            return actions;
        });
    }

    public Uni<List<SagaRow>> list(String tenant, String state, String definition, int limit, int offset) {
        return pool.preparedQuery(LIST).execute(Tuple.from(Arrays.asList(tenant, state, definition, limit, offset)))
                .map(SagaRepository::all);
    }

    /** How many sagas, of every tenant, are in {@code state}. */
    public Uni<Long> countIn(SagaState state) {
        return pool.preparedQuery(COUNT_IN_STATE).execute(Tuple.of(state.name()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Long> count(String tenant, String state, String definition) {
        return pool.preparedQuery(COUNT).execute(Tuple.from(Arrays.asList(tenant, state, definition)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static SagaRow first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? row(iterator.next()) : null;
    }

    private static List<SagaRow> all(RowSet<Row> rows) {
        List<SagaRow> all = new ArrayList<>();
        rows.forEach(row -> all.add(row(row)));
        return all;
    }

    private static SagaRow row(Row row) {
        SagaRow saga = new SagaRow(row.getUUID("id"), row.getString("tenant_id"), row.getString("definition"),
                row.getInteger("definition_version"), row.getString("request_key"),
                JsonCodec.read(row.getString("data"), JsonNode.class),
                (ObjectNode) JsonCodec.read(row.getString("results"), JsonNode.class), row.getString("started_by"),
                row.getOffsetDateTime("created_at"));
        saga.state = SagaState.valueOf(row.getString("state"));
        saga.step = row.getInteger("step");
        saga.kind = SagaCommand.Kind.valueOf(row.getString("kind"));
        saga.attempt = row.getInteger("attempt");
        saga.token = row.getLong("token");
        saga.awaiting = row.getBoolean("awaiting");
        saga.dueAt = row.getOffsetDateTime("due_at");
        saga.completed = row.getInteger("completed");
        saga.cancelRequested = row.getBoolean("cancel_requested");
        saga.skipped = row.getBoolean("skipped");
        saga.error = row.getString("error");
        saga.updatedAt = row.getOffsetDateTime("updated_at");
        saga.endedAt = row.getOffsetDateTime("ended_at");
        return saga;
    }
}
