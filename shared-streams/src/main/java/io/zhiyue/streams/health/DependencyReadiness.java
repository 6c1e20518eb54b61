package io.zhiyue.streams.health;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Readiness of the service's PostgreSQL and Redis, each answered within a bound (the built-in
 * checks wait up to 20 s on a frozen server, far beyond a probe's timeout). A dependency that does
 * not answer in time is "down"; the next probe after it returns is "up" again.
 */
public final class DependencyReadiness {

    private DependencyReadiness() {
    }

    @Readiness
    @ApplicationScoped
    public static class PostgreSqlCheck implements AsyncHealthCheck {

        private final Pool pool;
        private final Duration timeout;

        public PostgreSqlCheck(Pool pool, @ConfigProperty(name = "zhiyue.health.timeout", defaultValue = "2s")
                Duration timeout) {
            this.pool = pool;
            this.timeout = timeout;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return bounded("PostgreSQL", pool.query("SELECT 1").execute().replaceWithVoid(), timeout);
        }
    }

    @Readiness
    @ApplicationScoped
    public static class RedisCheck implements AsyncHealthCheck {

        private final ReactiveRedisDataSource redis;
        private final Duration timeout;

        public RedisCheck(ReactiveRedisDataSource redis, @ConfigProperty(name = "zhiyue.health.timeout",
                defaultValue = "2s") Duration timeout) {
            this.redis = redis;
            this.timeout = timeout;
        }

        @Override
        public Uni<HealthCheckResponse> call() {
            return bounded("Redis", redis.execute("PING").replaceWithVoid(), timeout);
        }
    }

    static Uni<HealthCheckResponse> bounded(String name, Uni<Void> probe, Duration timeout) {
        return probe.ifNoItem().after(timeout).fail()
                .map(ok -> HealthCheckResponse.up(name))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(name).down()
                        .withData("error", failure.getMessage() != null ? failure.getMessage()
                                : "no answer within " + timeout)
                        .build());
    }
}
