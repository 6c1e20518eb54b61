package io.zhiyue.cache.layered;

import java.util.Objects;

/** Every key of one scope of a tenant in a region: what a scope invalidation drops. */
public record ScopeKey(String region, String tenant, String scope) {

    public ScopeKey {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(scope, "scope");
    }

    public boolean contains(EntryKey key) {
        return region.equals(key.region()) && tenant.equals(key.tenant()) && scope.equals(key.scope());
    }
}
