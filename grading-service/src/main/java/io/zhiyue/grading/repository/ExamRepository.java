package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.Exam;
import io.zhiyue.shared.api.PageResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class ExamRepository {

    private static final ListQuery.Column CREATED_AT = new ListQuery.Column("created_at", "created_at", ListQuery.Type.TIMESTAMP);
    private static final ListQuery.Column ID = new ListQuery.Column("id", "id", ListQuery.Type.UUID);
    private static final ListQuery.Column TITLE = new ListQuery.Column("title", "title", ListQuery.Type.TEXT);
    private static final ListQuery.Column SUBJECT = new ListQuery.Column("coalesce(subject, '')", "subject", ListQuery.Type.TEXT);

    public static final ListQuery.Spec LIST_SPEC = new ListQuery.Spec(
            Map.of("createdAt", CREATED_AT, "created_at", CREATED_AT, "title", TITLE, "subject", SUBJECT),
            Map.of("title", TITLE, "subject", SUBJECT),
            Set.of("id", "title", "subject", "createdAt"),
            CREATED_AT, ID);

    private final Pool pool;

    public ExamRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Exam> insert(String tenant, String title, String subject) {
        return pool.preparedQuery(SqlQueries.INSERT_EXAM)
                .execute(Tuple.of(UUID.randomUUID(), tenant, title, subject))
                .map(rows -> Rows.first(rows, ExamRepository::exam));
    }

    public Uni<Exam> find(String tenant, UUID id) {
        return pool.preparedQuery(SqlQueries.FIND_EXAM).execute(Tuple.of(tenant, id))
                .map(rows -> Rows.first(rows, ExamRepository::exam));
    }

    public Uni<PageResponse<Exam>> list(String tenant, ListQuery query) {
        return Rows.page(pool, SqlQueries.LIST_EXAMS, SqlQueries.COUNT_EXAMS, List.of(tenant), query, ID,
                ExamRepository::exam);
    }

    private static Exam exam(Row row) {
        return new Exam(row.getUUID("id"), row.getString("title"), row.getString("subject"),
                row.getOffsetDateTime("created_at"));
    }
}
