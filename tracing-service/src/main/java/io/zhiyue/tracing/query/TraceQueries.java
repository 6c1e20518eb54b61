package io.zhiyue.tracing.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.trace.TraceIds;
import io.zhiyue.tracing.query.TraceViews.Span;
import io.zhiyue.tracing.query.TraceViews.Trace;
import io.zhiyue.tracing.query.TraceViews.TraceSummary;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.zhiyue.shared.api.ListParameters.first;
import static io.zhiyue.shared.api.ListParameters.number;

/**
 * A trace by id as its span tree, and traces listed newest first: {@code filter[service]}, {@code filter[operation]}
 * (traces with such a span), {@code min_duration_ms} (the trace's own duration), {@code from}/{@code to} (ISO-8601
 * instants; the last hour by default), {@code page}, {@code page_size} (≤ 200) and {@code cursor} (keyset: a deep
 * page costs what the first does). Unknown or malformed parameters are a 400.
 */
@ApplicationScoped
public class TraceQueries {

    static final int MAX_SPANS = 10_000;
    private static final int MAX_PAGE_SIZE = 200;
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    private static final Set<String> PARAMETERS = Set.of("page", "page_size", "cursor", "filter[service]",
            "filter[operation]", "min_duration_ms", "minDurationMs", "from", "to");

    private static final String SPANS = """
            SELECT span_id, parent_span_id, service, name, kind, start_time, end_time, duration_us, status_code,
                   status_message, tenant_id, attributes::text AS attributes, events::text AS events,
                   links::text AS links
            FROM spans WHERE trace_id = $1 ORDER BY start_time, span_id LIMIT $2""";
    private static final String TRACES = """
            WITH hits AS (
                SELECT DISTINCT trace_id FROM spans
                WHERE start_time >= $1 AND start_time < $2
                  AND ($3::text IS NULL OR service = $3) AND ($4::text IS NULL OR name = $4)),
            traces AS (
                SELECT s.trace_id, min(s.start_time) AS started, max(s.end_time) AS ended, count(*) AS span_count,
                       bool_or(s.status_code = 'ERROR') AS error, array_agg(DISTINCT s.service) AS services,
                       (array_agg(s.service ORDER BY s.parent_span_id IS NOT NULL, s.start_time))[1] AS root_service,
                       (array_agg(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_time))[1] AS root_name
                FROM spans s JOIN hits USING (trace_id)
                GROUP BY s.trace_id
                HAVING max(s.end_time) - min(s.start_time) >= $5 * interval '1 microsecond'),
            counted AS (SELECT t.*, count(*) OVER () AS total FROM traces t)
            SELECT * FROM counted
            WHERE $6::timestamptz IS NULL OR (started, trace_id) < ($6, $7)
            ORDER BY started DESC, trace_id DESC
            LIMIT $8 OFFSET $9""";

    private final Pool pool;

    public TraceQueries(Pool pool) {
        this.pool = pool;
    }

    /** @throws ZhiyueException RECORD_NOT_FOUND for an id that is no trace id or that no span has */
    public Uni<Trace> trace(String traceId) {
        if (!TraceIds.isTraceId(traceId)) {
            throw notFound(traceId);
        }
        return pool.preparedQuery(SPANS).execute(Tuple.of(traceId, MAX_SPANS + 1)).map(rows -> {
            if (rows.size() == 0) {
                throw notFound(traceId);
            }
            return tree(traceId, rows);
        });
    }

    private static Trace tree(String traceId, RowSet<Row> rows) {
        Map<String, Span> byId = new LinkedHashMap<>();
        for (Row row : rows) {
            if (byId.size() == MAX_SPANS) {
                break;
            }
            Span span = new Span(row.getString("span_id"), row.getString("parent_span_id"), row.getString("service"),
                    row.getString("name"), row.getString("kind"), row.getOffsetDateTime("start_time").toInstant(),
                    row.getOffsetDateTime("end_time").toInstant(), row.getLong("duration_us") / 1000.0,
                    row.getString("status_code"), row.getString("status_message"), row.getString("tenant_id"),
                    json(row.getString("attributes")), json(row.getString("events")), json(row.getString("links")),
                    new ArrayList<>());
            byId.putIfAbsent(span.spanId(), span);
        }
        List<Span> roots = new ArrayList<>();
        Set<String> services = new TreeSet<>();
        Instant start = null;
        Instant end = null;
        boolean error = false;
        for (Span span : byId.values()) {
            Span parent = span.parentSpanId() == null ? null : byId.get(span.parentSpanId());
            (parent == null || parent == span ? roots : parent.children()).add(span);
            services.add(span.service());
            start = start == null || span.start().isBefore(start) ? span.start() : start;
            end = end == null || span.end().isAfter(end) ? span.end() : end;
            error |= "ERROR".equals(span.status());
        }
        return new Trace(traceId, start, Duration.between(start, end).toNanos() / 1e6, byId.size(),
                List.copyOf(services), error, rows.size() > MAX_SPANS, roots);
    }

    public Uni<PageResponse<TraceSummary>> list(Map<String, List<String>> query) {
        List<FieldError> errors = new ArrayList<>();
        query.keySet().stream().filter(name -> !PARAMETERS.contains(name)).sorted()
                .forEach(name -> errors.add(new FieldError(name, "is not a parameter of this list")));
        int page = number(query, "page", 1, 1_000_000, 1, errors);
        int pageSize = number(query, "page_size", 1, MAX_PAGE_SIZE, 50, errors);
        String minName = query.containsKey("minDurationMs") ? "minDurationMs" : "min_duration_ms";
        int minMillis = number(query, minName, 0, Integer.MAX_VALUE, 0, errors);
        Instant to = instant(query, "to", errors);
        Instant from = instant(query, "from", errors);
        to = to == null ? Instant.now().plusSeconds(60) : to;
        from = from == null ? to.minus(DEFAULT_WINDOW) : from;
        if (!from.isBefore(to)) {
            errors.add(new FieldError("from", "must be before to"));
        }
        Cursor cursor = Cursor.parse(first(query, "cursor"), errors);
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters", errors);
        }
        int offset = cursor == null ? (page - 1) * pageSize : 0;
        Tuple values = Tuple.tuple(Arrays.asList(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC),
                blankToNull(first(query, "filter[service]")), blankToNull(first(query, "filter[operation]")),
                minMillis * 1000L, cursor == null ? null : cursor.started(), cursor == null ? null : cursor.traceId(),
                pageSize + 1, offset));
        return pool.preparedQuery(TRACES).execute(values).map(rows -> {
            List<TraceSummary> items = new ArrayList<>();
            long total = 0;
            Row last = null;
            for (Row row : rows) {
                total = row.getLong("total");
                if (items.size() == pageSize) {
                    break;
                }
                last = row;
                Instant started = row.getOffsetDateTime("started").toInstant();
                Instant ended = row.getOffsetDateTime("ended").toInstant();
                items.add(new TraceSummary(row.getString("trace_id"), row.getString("root_service"),
                        row.getString("root_name"), Arrays.stream(row.getArrayOfStrings("services"))
                                .sorted(Comparator.naturalOrder()).toList(), started,
                        Duration.between(started, ended).toNanos() / 1e6, row.getLong("span_count"),
                        row.getBoolean("error")));
            }
            String next = rows.size() > pageSize && last != null
                    ? new Cursor(last.getOffsetDateTime("started"), last.getString("trace_id")).encode() : null;
            return new PageResponse<>(items, page, pageSize, total, next);
        });
    }

    /** The keyset of the last trace a page showed: its first start (to the microsecond) and id. */
    record Cursor(OffsetDateTime started, String traceId) {

        String encode() {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, started.toInstant());
            return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + traceId)
                    .getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String text, List<FieldError> errors) {
            if (text == null || text.isEmpty()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 2);
                if (parts.length == 2 && TraceIds.isTraceId(parts[1])) {
                    return new Cursor(Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS)
                            .atOffset(ZoneOffset.UTC), parts[1]);
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            errors.add(new FieldError("cursor", "is not a cursor this list gave"));
            return null;
        }
    }

    private static ZhiyueException notFound(String traceId) {
        return new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, "no trace " + traceId);
    }

    private static JsonNode json(String text) {
        return text == null ? null : JsonCodec.read(text, JsonNode.class);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static Instant instant(Map<String, List<String>> query, String name, List<FieldError> errors) {
        String value = first(query, name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-06-07T09:00:00Z"));
            return null;
        }
    }
}
