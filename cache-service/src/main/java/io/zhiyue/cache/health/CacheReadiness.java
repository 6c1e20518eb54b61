package io.zhiyue.cache.health;

import io.zhiyue.cache.layered.CacheState;
import io.zhiyue.cache.layered.LayeredCache;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The cache's layers in readiness details. Always up: without Redis the cache answers from PostgreSQL (whose own
 * check decides readiness), so "degraded" is a detail, not "down".
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements HealthCheck {

    public static final String NAME = "Cache layers";

    private final LayeredCache cache;

    public CacheReadiness(LayeredCache cache) {
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        return describe(cache.state());
    }

    public static HealthCheckResponse describe(CacheState state) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up()
                .withData("degraded", state.degraded())
                .withData("redis", state.degraded() ? "unusable: " + state.reason() : "in use")
                .withData("invalidations", state.subscribed() ? "subscribed" : "not subscribed")
                .withData("localEntries", state.localEntries());
        if (state.degraded()) {
            response.withData("degradedSince", state.degradedSince().toString());
        }
        return response.build();
    }
}
