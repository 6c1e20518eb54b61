package io.zhiyue.e2e.driver;

import io.zhiyue.devstack.DevTokens;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The callers the demo, the benches and the e2e tests act as: tokens of the default school signed
 * with the local key pair (the launcher's .zhiyue/jwt, or the directory an e2e suite made and
 * names in the {@value #DIRECTORY_PROPERTY} system property).
 */
public final class LocalIdentity {

    public static final String DIRECTORY_PROPERTY = "zhiyue.jwt.dir";
    public static final String DIRECTORY_ENV = "ZHIYUE_JWT_DIR";
    /** Everything a school's demo teacher may do, platform data included. */
    public static final Set<String> STAFF_ROLES = Set.of("admin", "teacher", "chief", "platform-admin");

    private static final Duration TTL = Duration.ofHours(8);
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    private static volatile DevTokens keys;

    private LocalIdentity() {
    }

    public static Path directory() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        String env = System.getenv(DIRECTORY_ENV);
        return Path.of(property != null ? property : env != null ? env : ".zhiyue/jwt");
    }

    /** The demo teacher of the default school, with every role of the school and the platform's. */
    public static String staff() {
        return token("demo-teacher", STAFF_ROLES);
    }

    /** A token for {@code subject} with {@code roles} in the default school, made once per JVM. */
    public static String token(String subject, Set<String> roles) {
        return token(TenantHeaders.DEFAULT_TENANT, subject, roles);
    }

    public static String token(String tenant, String subject, Set<String> roles) {
        return TOKENS.computeIfAbsent(tenant + "|" + subject + "|" + String.join(",", new java.util.TreeSet<>(roles)),
                key -> keys().mint(roles, tenant, subject, TTL));
    }

    private static DevTokens keys() {
        DevTokens current = keys;
        if (current == null) {
            synchronized (LocalIdentity.class) {
                if (keys == null) {
                    keys = DevTokens.inDirectory(directory());
                }
                current = keys;
            }
        }
        return current;
    }
}
