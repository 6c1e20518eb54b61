package io.zhiyue.gateway.support;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.zhiyue.devstack.DevTokens;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Tokens for the gateway's tests, signed with the test key pair in src/test/resources/test-jwt
 * (a key for tests only; the gateway's %test profile trusts it). Every rest-assured request
 * carries {@link #staff()} unless it sets its own Authorization header or asks for none with
 * {@link #WITHOUT_TOKEN}.
 */
public final class TestTokens {

    /** A request header that makes the default-token filter send no token at all. */
    public static final String WITHOUT_TOKEN = "X-Test-Without-Token";
    public static final String TENANT = TenantHeaders.DEFAULT_TENANT;

    private static final DevTokens KEYS = DevTokens.inDirectory(Path.of("src", "test", "resources", "test-jwt"));
    private static final String STAFF = mint(Set.of("admin", "teacher", "chief", "platform-admin"), TENANT, "teacher-test");
    private static boolean installed;

    private TestTokens() {
    }

    /** A school's everything: admin, teacher, chief and platform-admin of the default tenant. */
    public static String staff() {
        return STAFF;
    }

    public static String mint(String role, String tenant, String subject) {
        return mint(Set.of(role), tenant, subject);
    }

    public static String mint(Set<String> roles, String tenant, String subject) {
        return KEYS.mint(roles, tenant, subject, Duration.ofHours(1));
    }

    public static DevTokens keys() {
        return KEYS;
    }

    /** Installs the default-token filter into rest-assured once per JVM. */
    public static synchronized void installDefault() {
        if (installed) {
            return;
        }
        Filter filter = (request, response, context) -> {
            if (request.getHeaders().hasHeaderWithName(WITHOUT_TOKEN)) {
                request.removeHeader(WITHOUT_TOKEN);
            } else if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + STAFF);
            }
            return context.next(request, response);
        };
        RestAssured.filters(filter);
        installed = true;
    }
}
