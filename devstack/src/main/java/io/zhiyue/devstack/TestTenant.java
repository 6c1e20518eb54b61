package io.zhiyue.devstack;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Services refuse a request without the tenant the gateway passes downstream (shared-streams TenantWall), and a
 * service's {@code @QuarkusTest} calls the service directly: before each test, rest-assured is set to send {@code
 * X-ZhiYue-Tenant: demo-school} on every request that names no tenant of its own. Applications without the wall
 * ({@code zhiyue.tenant.required=false}: api-gateway, which sets the tenant itself) get no default header, and
 * modules without rest-assured (shared-streams) are left alone. Registered through META-INF/services.
 */
public class TestTenant implements QuarkusTestBeforeEachCallback {

    /** shared-streams' TenantConfig (devstack cannot depend on shared-streams, whose tests use devstack). */
    private static final String REQUIRED_KEY = "zhiyue.tenant.required";

    private static final boolean REST_ASSURED_PRESENT = isPresent("io.restassured.RestAssured");

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!REST_ASSURED_PRESENT) {
            return;
        }
        if (ConfigProvider.getConfig().getOptionalValue(REQUIRED_KEY, Boolean.class).orElse(true)) {
            sendByDefault();
        } else {
            sendNone();
        }
    }

    /** rest-assured sends the default tenant unless a request names its own. */
    public static void sendByDefault() {
        DefaultTenantFilter.install();
    }

    /** For tests of the wall itself: until the next test, rest-assured sends only the headers a request names. */
    public static void sendNone() {
        DefaultTenantFilter.remove();
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, TestTenant.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
