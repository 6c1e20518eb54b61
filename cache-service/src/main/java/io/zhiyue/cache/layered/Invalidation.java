package io.zhiyue.cache.layered;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * "Everything older than {@code version} is stale": for one key, or for a whole scope when {@code key} is null.
 * A write's invalidation carries the new value's version (that value stays); a deletion's carries a number no
 * value has.
 */
@RegisterForReflection
public record Invalidation(String region, String tenant, String scope, String key, long version) {

    public static Invalidation of(EntryKey key, long version) {
        return new Invalidation(key.region(), key.tenant(), key.scope(), key.key(), version);
    }

    public static Invalidation of(ScopeKey scope, long version) {
        return new Invalidation(scope.region(), scope.tenant(), scope.scope(), null, version);
    }

    public boolean wholeScope() {
        return key == null;
    }

    public EntryKey entryKey() {
        return new EntryKey(region, tenant, scope, key);
    }

    public ScopeKey scopeKey() {
        return new ScopeKey(region, tenant, scope);
    }
}
