package io.zhiyue.devstack;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.zhiyue.shared.tenant.TenantHeaders;

/**
 * Adds the gateway's default tenant to a rest-assured request that names none (see {@link TestTenant}). A filter
 * rather than a default request specification: that one would carry its own port and base URI over Quarkus' test URL.
 */
final class DefaultTenantFilter implements Filter {

    static void install() {
        if (RestAssured.filters().stream().noneMatch(DefaultTenantFilter.class::isInstance)) {
            RestAssured.filters(new DefaultTenantFilter());
        }
    }

    static void remove() {
        RestAssured.replaceFiltersWith(RestAssured.filters().stream()
                .filter(filter -> !(filter instanceof DefaultTenantFilter)).toList());
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        if (!request.getHeaders().hasHeaderWithName(TenantHeaders.TENANT)) {
            request.header(TenantHeaders.TENANT, TenantHeaders.DEFAULT_TENANT);
        }
        return context.next(request, response);
    }
}
