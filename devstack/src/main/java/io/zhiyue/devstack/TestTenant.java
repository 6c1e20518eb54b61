package io.zhiyue.devstack;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.zhiyue.shared.tenant.TenantHeaders;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Services refuse a request without the tenant the gateway passes downstream (shared-streams TenantWall), and a
 * service's {@code @QuarkusTest} calls the service directly: before each test, rest-assured is set to send {@code
 * X-ZhiYue-Tenant: demo-school} on every request that names no tenant of its own. Applications without the wall
 * ({@code zhiyue.tenant.required=false}: api-gateway, which sets the tenant itself) get no default header.
 * Registered through META-INF/services.
 */
public class TestTenant implements QuarkusTestBeforeEachCallback {

    /** shared-streams' TenantConfig (devstack cannot depend on shared-streams, whose tests use devstack). */
    private static final String REQUIRED_KEY = "zhiyue.tenant.required";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (ConfigProvider.getConfig().getOptionalValue(REQUIRED_KEY, Boolean.class).orElse(true)) {
            sendByDefault();
        } else {
            sendNone();
        }
    }

    /** rest-assured sends the default tenant unless a request names its own. */
    public static void sendByDefault() {
        if (RestAssured.filters().stream().noneMatch(DefaultTenant.class::isInstance)) {
            RestAssured.filters(new DefaultTenant());
        }
    }

    /** For tests of the wall itself: until the next test, rest-assured sends only the headers a request names. */
    public static void sendNone() {
        RestAssured.replaceFiltersWith(RestAssured.filters().stream().filter(f -> !(f instanceof DefaultTenant)).toList());
    }

    /** A filter rather than a default request specification: that one would also carry its own port and base URI. */
    private static final class DefaultTenant implements Filter {

        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            if (!request.getHeaders().hasHeaderWithName(TenantHeaders.TENANT)) {
                request.header(TenantHeaders.TENANT, TenantHeaders.DEFAULT_TENANT);
            }
            return context.next(request, response);
        }
    }
}
