package io.zhiyue.cache.layered;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The names of the cache's Redis keys. Each part is URL-encoded, so a colon or {@code #} inside a tenant, scope
 * or key cannot make two entries share a name.
 * <ul>
 *   <li>{@code zhiyue:cache:<region>:<tenant>:<scope>:<key>} — a value, {@code <version>:<json>}, or a
 *       tombstone {@code <version>:} (a deletion, or an older value that must not come back)</li>
 *   <li>{@code zhiyue:cache:<region>:<tenant>:<scope>#members} — a SET of the scope's value keys, so a scope is
 *       dropped without KEYS or SCAN</li>
 *   <li>{@code zhiyue:cache:<region>:<tenant>:<scope>#floor} — the version of the scope's last invalidation;
 *       nothing older is stored while it lives</li>
 * </ul>
 */
public final class RedisKeys {

    public static final String PREFIX = "zhiyue:cache:";
    /** Held by the instance that warms Redis, so instances that recover together warm it once. */
    public static final String WARM_UP_LOCK = PREFIX + "warm-up:lock";

    private RedisKeys() {
    }

    public static String entry(EntryKey key) {
        return scopePrefix(key.region(), key.tenant(), key.scope()) + ":" + encode(key.key());
    }

    public static String members(ScopeKey scope) {
        return scopePrefix(scope.region(), scope.tenant(), scope.scope()) + "#members";
    }

    public static String floor(ScopeKey scope) {
        return scopePrefix(scope.region(), scope.tenant(), scope.scope()) + "#floor";
    }

    private static String scopePrefix(String region, String tenant, String scope) {
        return PREFIX + encode(region) + ":" + encode(tenant) + ":" + encode(scope);
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }
}
