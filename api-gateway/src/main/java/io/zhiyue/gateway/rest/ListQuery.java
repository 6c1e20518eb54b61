package io.zhiyue.gateway.rest;

/** What list endpoints accept; the gateway passes every query parameter downstream unchanged. */
final class ListQuery {

    static final String DESCRIPTION = "Answers {items, page, pageSize, total}. Query: page (1-based), "
            + "page_size (at most 200), sort_by, sort_order (asc|desc), filter[field]=value, fields=a,b,c. "
            + "Unknown sort, filter or field names are a 400.";

    private ListQuery() {
    }
}
