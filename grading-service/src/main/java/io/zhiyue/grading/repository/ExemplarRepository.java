package io.zhiyue.grading.repository;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The teacher marks the exemplar grader learns from, by question version (rubric id). */
@ApplicationScoped
public class ExemplarRepository {

    /** How many marks a version has and when the latest was made: changes whenever a mark is added. */
    public record Stamp(long marks, OffsetDateTime latest) {
    }

    /** A teacher-marked answer as written, with the submission's latest teacher score. */
    @RegisterForReflection
    public record MarkedAnswer(String answer, BigDecimal score) {
    }

    private final Pool pool;

    public ExemplarRepository(Pool pool) {
        this.pool = pool;
    }

    /** The stamps of the versions among {@code rubricIds} that have teacher marks. */
    public Uni<Map<UUID, Stamp>> stamps(String tenant, Collection<UUID> rubricIds) {
        return pool.preparedQuery(SqlQueries.EXEMPLAR_STAMPS)
                .execute(Tuple.of(tenant, rubricIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, Stamp> stamps = new HashMap<>();
                    for (Row row : rows) {
                        stamps.put(row.getUUID("rubric_id"),
                                new Stamp(row.getLong("marks"), row.getOffsetDateTime("latest")));
                    }
                    return stamps;
                });
    }

    public Uni<List<MarkedAnswer>> markedAnswers(String tenant, UUID rubricId) {
        return pool.preparedQuery(SqlQueries.EXEMPLARS).execute(Tuple.of(tenant, rubricId))
                .map(rows -> Rows.all(rows, row -> new MarkedAnswer(row.getString("answer"),
                        row.getBigDecimal("score"))));
    }
}
