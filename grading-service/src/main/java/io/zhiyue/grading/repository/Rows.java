package io.zhiyue.grading.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.model.GradingResult.Marker;
import io.zhiyue.grading.model.GradingResult.PointOutcome;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** Row mapping and paging shared by the repositories. */
final class Rows {

    private static final TypeReference<List<PointOutcome>> POINTS = new TypeReference<>() {
    };
    private static final TypeReference<List<Marker>> MARKERS = new TypeReference<>() {
    };

    private Rows() {
    }

    static <T> T first(RowSet<Row> rows, Function<Row, T> mapper) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? mapper.apply(iterator.next()) : null;
    }

    static <T> List<T> all(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> items = new ArrayList<>(rows.size());
        for (Row row : rows) {
            items.add(mapper.apply(row));
        }
        return items;
    }

    static GradingJob job(Row row) {
        int total = row.getInteger("total");
        int graded = row.getInteger("graded");
        int failed = row.getInteger("failed");
        int cancelled = row.getInteger("cancelled");
        int pendingReview = row.getInteger("pending_review");
        return new GradingJob(
                row.getUUID("id"),
                row.getString("tenant_id"),
                row.getUUID("exam_id"),
                JobState.valueOf(row.getString("state")),
                total, graded, failed, cancelled, pendingReview,
                GradingJob.percent(total, graded + failed + cancelled + pendingReview),
                row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("completed_at"),
                GradingJob.stages(row.getOffsetDateTime("analyzed_at"), row.getOffsetDateTime("split_at"),
                        row.getOffsetDateTime("executing_at"), row.getOffsetDateTime("completed_at")),
                GradingJob.timings(row.getOffsetDateTime("started_at"), row.getOffsetDateTime("executing_at"),
                        row.getOffsetDateTime("completed_at"), total, row.getBigDecimal("publish_commit_p50_ms"),
                        row.getBigDecimal("publish_commit_p99_ms")),
                new GradingJob.Llm(row.getLong("llm_token_budget"), row.getLong("llm_tokens_in"),
                        row.getLong("llm_tokens_out")),
                row.getString("recovery") == null ? null
                        : JsonCodec.read(row.getString("recovery"), JobStateChanged.Recovery.class),
                row.getLong("version"),
                row.getOffsetDateTime("updated_at"),
                row.getInteger("batch_size"),
                row.getBoolean("reuse_results"));
    }

    /**
     * Runs {@code select} and {@code count} (both starting with tenant and owner parameters) with the
     * query's filters, sort and page. A page continued by cursor starts after a row (keyset), so
     * page 200 costs what page 1 costs; one row more than a page is read to know whether another follows.
     */
    static <T> Uni<PageResponse<T>> page(SqlClient client, String select, String count, List<Object> leading,
            ListQuery query, ListQuery.Column tieBreaker, Function<Row, T> mapper) {
        List<Object> params = new ArrayList<>(leading);
        params.addAll(query.filterValues());
        String where = query.whereClause(leading.size() + 1);
        Tuple countParams = Tuple.from(params);
        List<Object> pageParams = new ArrayList<>(params);
        String keyset = query.keysetClause(tieBreaker, pageParams.size() + 1);
        pageParams.addAll(query.keysetValues());
        pageParams.add(query.pageSize() + 1);
        String pageSql = select + where + keyset + query.orderClause(tieBreaker) + " LIMIT $" + pageParams.size();
        if (query.after() == null) {
            pageParams.add(query.offset());
            pageSql += " OFFSET $" + pageParams.size();
        }
        // a continued list carries the first page's count: a deep page counts nothing again
        Uni<Long> total = query.after() != null ? Uni.createFrom().item(query.after().total())
                : client.preparedQuery(count + where).execute(countParams)
                        .map(counted -> counted.iterator().next().getLong(0));
        Uni<RowSet<Row>> rows = client.preparedQuery(pageSql).execute(Tuple.from(pageParams));
        return Uni.combine().all().unis(rows, total).with((page, n) -> toPage(page, n, query, tieBreaker, mapper));
    }

    private static <T> PageResponse<T> toPage(RowSet<Row> rows, long total, ListQuery query,
            ListQuery.Column tieBreaker, Function<Row, T> mapper) {
        List<T> list = new ArrayList<>(Math.min(rows.size(), query.pageSize()));
        String next = null;
        int index = 0;
        for (Row row : rows) {
            if (index++ == query.pageSize()) {
                break;
            }
            list.add(mapper.apply(row));
            if (index == query.pageSize() && rows.size() > query.pageSize()) {
                next = query.nextCursor(row.getValue(query.sortBy().key()), row.getValue(tieBreaker.key()), total);
            }
        }
        return new PageResponse<>(list, query.page(), query.pageSize(), total, next);
    }

    /** Per-point decisions as stored ({@code points} JSON); null when there was no proposal. */
    static List<PointOutcome> points(String json) {
        return json == null ? null : read(json, POINTS);
    }

    /** Marks as {@link SqlQueries#PEOPLES_MARKS} aggregates them; none when null. */
    static List<Marker> markers(String json) {
        return json == null ? List.of() : read(json, MARKERS);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JsonCodec.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON cannot be read: " + e.getMessage(), e);
        }
    }

    /** States as a bind parameter, for {@code state = ANY($n::text[])}. */
    static String[] stateNames(Collection<JobState> states) {
        return states.stream().map(Enum::name).toArray(String[]::new);
    }
}
