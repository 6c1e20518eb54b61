package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** What result reuse reads from grading-service's own tables ({@code ResultReuse}). */
@ApplicationScoped
public class ReuseRepository {

    /** A rubric version's teacher marks as they stand: how many and the latest (null: none). */
    public record MarksStamp(long marks, OffsetDateTime latest) {
    }

    /**
     * A rubric version as the result cache addresses it: its content hash, what the graders read besides the
     * rubric, its mark stamp and point values, and the older version its results may be re-scored from
     * ({@code priorHash} null: none).
     */
    public record Context(UUID rubricId, String contentHash, String prompt, String referenceAnswer,
            BigDecimal maxScore, BigDecimal scoreStep, Map<String, BigDecimal> pointValues, MarksStamp stamp,
            String priorHash, MarksStamp priorStamp) {
    }

    /** A result's cache address and its proposed score. */
    public record Address(String questionVersion, String key, BigDecimal proposedScore) {
    }

    private final Pool pool;

    public ReuseRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Map<UUID, Context>> contexts(String tenant, Collection<UUID> rubricIds) {
        return pool.preparedQuery(SqlQueries.REUSE_CONTEXT)
                .execute(Tuple.of(tenant, rubricIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, Context> contexts = new HashMap<>();
                    for (Row row : rows) {
                        contexts.put(row.getUUID("id"), context(row));
                    }
                    return contexts;
                });
    }

    public Uni<Address> address(String tenant, UUID jobId, UUID submissionId) {
        return pool.preparedQuery(SqlQueries.REUSE_ADDRESS).execute(Tuple.of(tenant, jobId, submissionId))
                .map(rows -> Rows.first(rows, row -> new Address(row.getString("reuse_version"),
                        row.getString("reuse_key"), row.getBigDecimal("score"))));
    }

    private static Context context(Row row) {
        String values = row.getString("point_values");
        Map<String, BigDecimal> pointValues = new HashMap<>();
        if (values != null) {
            JsonCodec.read(values, com.fasterxml.jackson.databind.JsonNode.class).properties()
                    .forEach(point -> pointValues.put(point.getKey(), point.getValue().decimalValue()));
        }
        String priorHash = row.getString("prior_hash");
        return new Context(row.getUUID("id"), row.getString("content_hash"), row.getString("prompt"),
                row.getString("reference_answer"), row.getBigDecimal("max_score"), row.getBigDecimal("score_step"),
                pointValues, new MarksStamp(row.getLong("marks"), row.getOffsetDateTime("latest")), priorHash,
                priorHash == null ? null : new MarksStamp(row.getLong("prior_marks"),
                        row.getOffsetDateTime("prior_latest")));
    }
}
