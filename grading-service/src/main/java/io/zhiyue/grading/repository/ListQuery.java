package io.zhiyue.grading.repository;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zhiyue.shared.api.QueryString;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated list request: page, page size, sort, filters, field selection and the keyset cursor
 * that continues a previous page. Column names only ever come from a {@link Spec} whitelist,
 * values travel as bind parameters.
 */
public record ListQuery(int page, int pageSize, Column sortBy, boolean descending, Map<Column, Object> filters,
        Set<String> fields, Keyset after) {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;

    public enum Type { TEXT, INT, UUID, DECIMAL, TIMESTAMP }

    /**
     * A column a list can sort or filter on: its SQL expression, the name it has in the page's
     * rows (to continue after a row), and its type. A nullable text column sorts as
     * {@code coalesce(col, '')}, so a keyset never compares with NULL.
     */
    public record Column(String sql, String key, Type type) {
    }

    /**
     * Where a page continues: after the row with this sort value and tie-breaker value. {@code
     * total} is the count the first page found, carried on so a deep page does not count again.
     */
    public record Keyset(Object sortValue, Object tieValue, long total) {
    }

    /** What one list endpoint allows: sortable and filterable names (API name → column) and fields. */
    public record Spec(Map<String, Column> sortable, Map<String, Column> filterable, Set<String> fields,
            Column defaultSort, Column tieBreaker) {
    }

    /** From the raw query string: {@code &} separates parameters, a {@code ;} belongs to its value. */
    public static ListQuery parse(String rawQuery, Spec spec) {
        return parse(QueryString.parse(rawQuery), spec);
    }

    public static ListQuery parse(Map<String, List<String>> params, Spec spec) {
        List<FieldError> errors = new ArrayList<>();
        rejectUnknown(params, errors);
        int page = intParam(params, "page", 1, 1, Integer.MAX_VALUE, errors);
        int pageSize = intParam(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);

        Column sortBy = spec.defaultSort();
        String sortName = single(params, "sort_by");
        if (sortName != null) {
            sortBy = spec.sortable().get(sortName);
            if (sortBy == null) {
                errors.add(new FieldError("sort_by", "unknown sort field '" + sortName + "'; allowed: "
                        + spec.sortable().keySet()));
            }
        }
        String order = single(params, "sort_order");
        boolean descending = false;
        if (order != null) {
            switch (order.toLowerCase()) {
                case "asc" -> descending = false;
                case "desc" -> descending = true;
                default -> errors.add(new FieldError("sort_order", "must be 'asc' or 'desc'"));
            }
        }

        Map<Column, Object> filters = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> param : params.entrySet()) {
            String key = param.getKey();
            if (!key.startsWith("filter[") || !key.endsWith("]")) {
                continue;
            }
            String name = key.substring("filter[".length(), key.length() - 1);
            Column column = spec.filterable().get(name);
            if (column == null) {
                errors.add(new FieldError(key, "unknown filter field '" + name + "'; allowed: "
                        + spec.filterable().keySet()));
                continue;
            }
            if (param.getValue().size() > 1 || filters.containsKey(column)) {
                errors.add(new FieldError(key, "filters on '" + name + "' more than once"));
                continue;
            }
            String raw = param.getValue().isEmpty() ? "" : param.getValue().get(0);
            try {
                filters.put(column, convert(raw, column.type()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(key, "'" + raw + "' is not a valid " + column.type().name().toLowerCase()));
            }
        }

        Set<String> fields = null;
        String fieldList = single(params, "fields");
        if (fieldList != null) {
            fields = new LinkedHashSet<>();
            for (String field : fieldList.split(",")) {
                String name = field.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!spec.fields().contains(name)) {
                    errors.add(new FieldError("fields", "unknown field '" + name + "'; allowed: " + spec.fields()));
                }
                fields.add(name);
            }
        }
        for (String known : List.of("page", "page_size", "sort_by", "sort_order", "fields", "cursor")) {
            List<String> values = params.get(known);
            if (values != null && values.size() > 1) {
                errors.add(new FieldError(known, "given more than once"));
            }
        }
        Keyset after = null;
        String cursor = single(params, "cursor");
        if (cursor != null && sortBy != null) {
            Cursor decoded = Cursor.decode(cursor, errors);
            if (decoded != null) {
                // the cursor alone brings its sort back; given again, it must be the same
                if (sortName == null) {
                    sortBy = sortColumn(spec, decoded.sort()).orElse(sortBy);
                }
                if (order == null) {
                    descending = decoded.descending();
                }
                if (!decoded.sort().equals(sortBy.sql()) || decoded.descending() != descending) {
                    errors.add(new FieldError("cursor", "continues another sort; repeat the sort_by and sort_order "
                            + "of the first page, or leave them out"));
                } else if (!decoded.filters().equals(filterKey(filters))) {
                    errors.add(new FieldError("cursor", "continues a list with other filters; repeat the filters "
                            + "of the first page"));
                } else if (params.containsKey("page")) {
                    errors.add(new FieldError("cursor", "give either page or cursor, not both"));
                } else {
                    try {
                        after = new Keyset(convert(decoded.sortValue(), sortBy.type()),
                                convert(decoded.tieValue(), spec.tieBreaker().type()), decoded.total());
                        page = decoded.page();
                    } catch (IllegalArgumentException e) {
                        errors.add(new FieldError("cursor", "is not a cursor this list gave out"));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters", errors);
        }
        return new ListQuery(page, pageSize, sortBy, descending, filters, fields, after);
    }

    private static Optional<Column> sortColumn(Spec spec, String sql) {
        if (spec.defaultSort().sql().equals(sql)) {
            return Optional.of(spec.defaultSort());
        }
        return spec.sortable().values().stream().filter(column -> column.sql().equals(sql)).findFirst();
    }

    /** Names a list understands; anything else (a broken {@code filter[x} among them) is an error, not ignored. */
    private static void rejectUnknown(Map<String, List<String>> params, List<FieldError> errors) {
        for (String name : params.keySet()) {
            boolean known = switch (name) {
                case "page", "page_size", "sort_by", "sort_order", "fields", "cursor" -> true;
                default -> name.startsWith("filter[") && name.endsWith("]") && name.length() > "filter[]".length();
            };
            if (!known) {
                errors.add(new FieldError(name, name.startsWith("filter")
                        ? "is not a filter; write filter[name]=value"
                        : "is not a list parameter (page, page_size, sort_by, sort_order, filter[name], fields, cursor)"));
            }
        }
    }

    /** {@code AND col = $n …} for the filters, numbering parameters from {@code firstParam}. */
    public String whereClause(int firstParam) {
        StringBuilder sql = new StringBuilder();
        int n = firstParam;
        for (Column column : filters.keySet()) {
            sql.append(" AND ").append(column.sql()).append(" = $").append(n++);
        }
        return sql.toString();
    }

    public List<Object> filterValues() {
        return new ArrayList<>(filters.values());
    }

    public String orderClause(Column tieBreaker) {
        String direction = descending ? " DESC" : " ASC";
        return " ORDER BY " + sortBy.sql() + direction + ", " + tieBreaker.sql() + direction;
    }

    /** {@code AND (sort, tie) > ($n, $n+1)} (or {@code <} descending) when continuing after a row; else empty. */
    public String keysetClause(Column tieBreaker, int firstParam) {
        if (after == null) {
            return "";
        }
        return " AND (" + sortBy.sql() + ", " + tieBreaker.sql() + ") " + (descending ? "<" : ">")
                + " ($" + firstParam + ", $" + (firstParam + 1) + ")";
    }

    public List<Object> keysetValues() {
        return after == null ? List.of() : List.of(after.sortValue(), after.tieValue());
    }

    /** A long: a huge page number times the page size overflows an int. */
    public long offset() {
        return (long) (page - 1) * pageSize;
    }

    /** The cursor of the page after this one, continuing after a row with these values, in a list of {@code total}. */
    public String nextCursor(Object sortValue, Object tieValue, long total) {
        Object sortable = sortValue == null && sortBy.type() == Type.TEXT ? "" : sortValue;
        return new Cursor(sortBy.sql(), descending, String.valueOf(sortable), String.valueOf(tieValue), page + 1,
                total, filterKey(filters)).encode();
    }

    /** The filters a cursor was given out for, in a stable text form. */
    private static String filterKey(Map<Column, Object> filters) {
        StringBuilder key = new StringBuilder();
        filters.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(Column::sql)))
                .forEach(filter -> key.append(filter.getKey().sql()).append('=').append(filter.getValue())
                        .append('\u0000'));
        return key.toString();
    }

    private static Object convert(String raw, Type type) {
        return switch (type) {
            case TEXT -> {
                // PostgreSQL text cannot hold NUL; such a value can match nothing stored
                if (raw.indexOf('\u0000') >= 0) {
                    throw new IllegalArgumentException("NUL in text");
                }
                yield raw;
            }
            case INT -> Integer.valueOf(raw.trim());
            case UUID -> java.util.UUID.fromString(raw.trim());
            case DECIMAL -> new BigDecimal(raw.trim());
            case TIMESTAMP -> java.time.OffsetDateTime.parse(raw.trim());
        };
    }

    /**
     * The opaque form of a keyset: where the next page starts, for which sort and filters, its
     * number and the list's total. Base64url of a small JSON object; nothing a caller should build or
     * read. Registered for reflection: Jackson writes it outside REST.
     */
    @RegisterForReflection
    record Cursor(String sort, boolean descending, String sortValue, String tieValue, int page, long total,
            String filters) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    JsonCodec.write(this).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text, List<FieldError> errors) {
            try {
                Cursor cursor = JsonCodec.read(new String(
                        Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8),
                        Cursor.class);
                if (cursor.sort() == null || cursor.sortValue() == null || cursor.tieValue() == null
                        || cursor.filters() == null || cursor.page() < 2 || cursor.total() < 0) {
                    throw new IllegalArgumentException("incomplete cursor");
                }
                return cursor;
            } catch (RuntimeException e) {
                errors.add(new FieldError("cursor", "is not a cursor this list gave out"));
                return null;
            }
        }
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int intParam(Map<String, List<String>> params, String name, int fallback, int min, int max,
            List<FieldError> errors) {
        String raw = single(params, name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                errors.add(new FieldError(name, "must be between " + min + " and " + max));
                return fallback;
            }
            return value;
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be a whole number"));
            return fallback;
        }
    }
}
