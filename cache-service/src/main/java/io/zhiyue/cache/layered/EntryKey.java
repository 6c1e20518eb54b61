package io.zhiyue.cache.layered;

import java.util.Objects;

/**
 * Where an entry lives: its region (what kind of value, e.g. {@code results}), tenant, scope (the keys
 * invalidated together, e.g. a question version) and key.
 */
public record EntryKey(String region, String tenant, String scope, String key) {

    public EntryKey {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(key, "key");
    }

    public ScopeKey scopeKey() {
        return new ScopeKey(region, tenant, scope);
    }
}
