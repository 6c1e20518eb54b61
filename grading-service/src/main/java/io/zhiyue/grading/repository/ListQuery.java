package io.zhiyue.grading.repository;

import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated list request: page, page size, sort, filters and field selection. Column names
 * only ever come from a {@link Spec} whitelist, values travel as bind parameters.
 */
public record ListQuery(int page, int pageSize, Column sortBy, boolean descending, Map<Column, Object> filters,
        Set<String> fields) {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;

    public enum Type { TEXT, INT, UUID, DECIMAL, TIMESTAMP }

    public record Column(String sql, Type type) {
    }

    /** What one list endpoint allows: sortable and filterable names (API name → column) and fields. */
    public record Spec(Map<String, Column> sortable, Map<String, Column> filterable, Set<String> fields,
            Column defaultSort, Column tieBreaker) {
    }

    public static ListQuery parse(Map<String, List<String>> params, Spec spec) {
        List<FieldError> errors = new ArrayList<>();
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
        for (String known : List.of("page", "page_size", "sort_by", "sort_order", "fields")) {
            List<String> values = params.get(known);
            if (values != null && values.size() > 1) {
                errors.add(new FieldError(known, "given more than once"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters", errors);
        }
        return new ListQuery(page, pageSize, sortBy, descending, filters, fields);
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

    /** A long: a huge page number times the page size overflows an int. */
    public long offset() {
        return (long) (page - 1) * pageSize;
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
