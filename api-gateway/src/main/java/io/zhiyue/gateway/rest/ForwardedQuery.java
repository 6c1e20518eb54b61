package io.zhiyue.gateway.rest;

import io.zhiyue.shared.api.QueryString;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Map;

/**
 * The caller's query as it is forwarded: read from the raw query string with {@code &} as the
 * only separator, so a {@code ;} in a value reaches grading-service as part of the value.
 */
final class ForwardedQuery {

    private ForwardedQuery() {
    }

    static MultivaluedMap<String, String> of(UriInfo uri) {
        MultivaluedMap<String, String> query = new MultivaluedHashMap<>();
        for (Map.Entry<String, List<String>> param : QueryString.parse(uri.getRequestUri().getRawQuery()).entrySet()) {
            query.put(param.getKey(), param.getValue());
        }
        return query;
    }
}
