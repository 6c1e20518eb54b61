package io.zhiyue.grading.repository;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.audit.AuditEntry;
import io.zhiyue.grading.repository.ListQuery.Column;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.event.AuditRecorded;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The append-only audit log: rows are inserted once (by event id) and read, never changed. */
@ApplicationScoped
public class AuditLogRepository {

    private static final Column AT = new Column("at", "at", ListQuery.Type.TIMESTAMP);
    private static final Column ID = new Column("id", "id", ListQuery.Type.UUID);
    private static final Column SUBJECT_TYPE = new Column("subject_type", "subject_type", ListQuery.Type.TEXT);
    private static final Column SUBJECT_ID = new Column("subject_id", "subject_id", ListQuery.Type.TEXT);

    /** Sorted by time (the resource makes newest first the default); filters by equality. */
    public static final ListQuery.Spec LIST_SPEC = new ListQuery.Spec(
            Map.of("at", AT),
            Map.of("action", new Column("action", "action", ListQuery.Type.TEXT),
                    "actor", new Column("actor", "actor", ListQuery.Type.TEXT),
                    "service", new Column("service", "service", ListQuery.Type.TEXT),
                    "subjectType", SUBJECT_TYPE, "subject_type", SUBJECT_TYPE,
                    "subjectId", SUBJECT_ID, "subject_id", SUBJECT_ID),
            Set.of("id", "at", "service", "action", "subjectType", "subjectId", "actor", "before", "after"),
            AT, ID);

    private static final String INSERT = """
            INSERT INTO audit_log (id, tenant_id, at, service, action, subject_type, subject_id, actor, before, after,
                                   traceparent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb, $10::text::jsonb, $11)
            ON CONFLICT (id) DO NOTHING""";
    private static final String LIST = """
            SELECT id, at, service, action, subject_type, subject_id, actor, before::text AS before,
                   after::text AS after
            FROM audit_log WHERE tenant_id = $1""";
    private static final String COUNT = "SELECT count(*) FROM audit_log WHERE tenant_id = $1";

    private final Pool pool;

    public AuditLogRepository(Pool pool) {
        this.pool = pool;
    }

    /** Keeps the record under {@code id} (its event's id); a record kept already stays as it was. */
    public Uni<Void> insert(UUID id, String tenant, AuditRecorded record, String traceparent) {
        return pool.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(id, tenant, record.at().atOffset(ZoneOffset.UTC),
                        record.service(), record.action(), record.subjectType(), record.subjectId(), record.actor(),
                        json(record.before()), json(record.after()), traceparent)))
                .replaceWithVoid();
    }

    public Uni<PageResponse<AuditEntry>> list(String tenant, ListQuery query) {
        return Rows.page(pool, LIST, COUNT, List.of(tenant), query, ID, AuditLogRepository::entry);
    }

    private static String json(JsonNode node) {
        return node == null || node.isNull() ? null : JsonCodec.write(node);
    }

    private static AuditEntry entry(Row row) {
        return new AuditEntry(row.getUUID("id"), row.getOffsetDateTime("at"), row.getString("service"),
                row.getString("action"), row.getString("subject_type"), row.getString("subject_id"),
                row.getString("actor"), node(row.getString("before")), node(row.getString("after")));
    }

    private static JsonNode node(String json) {
        return json == null ? null : JsonCodec.read(json, JsonNode.class);
    }
}
