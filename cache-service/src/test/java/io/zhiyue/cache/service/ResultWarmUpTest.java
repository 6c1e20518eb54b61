package io.zhiyue.cache.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.cache.layered.EntryKey;
import io.zhiyue.cache.layered.RedisKeys;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warm-up writes into Redis the results of the last 7 days whose confidence is at least 0.9 (a page at a time),
 * and nothing else; its count shows in a metric.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ResultWarmUpTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    ResultWarmUp warmUp;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    private final String tenant = "warm-" + UUID.randomUUID();

    @Test
    void recentConfidentResultsAreWarmedIntoRedisAndNothingElse() {
        OffsetDateTime now = OffsetDateTime.now();
        long confident = insert(ResultCache.REGION, "confident", "{\"score\": 2, \"confidence\": 0.95}", now);
        long atTheBar = insert(ResultCache.REGION, "at-the-bar", "{\"confidence\": 0.9}", now.minusDays(6));
        long unsure = insert(ResultCache.REGION, "unsure", "{\"confidence\": 0.5}", now);
        long old = insert(ResultCache.REGION, "old", "{\"confidence\": 0.99}", now.minusDays(8));
        long textual = insert(ResultCache.REGION, "textual", "{\"confidence\": \"0.99\"}", now);
        long none = insert(ResultCache.REGION, "none", "{\"score\": 1}", now);
        long otherRegion = insert("other-region", "other-region", "{\"confidence\": 0.99}", now);
        double warmedBefore = registry.get("zhiyue.cache.warmup.entries").counter().count();

        int warmed = warmUp.run().await().atMost(WAIT);

        assertThat(warmed).isGreaterThanOrEqualTo(2);
        assertThat(registry.get("zhiyue.cache.warmup.entries").counter().count()).isEqualTo(warmedBefore + warmed);
        assertThat(inRedis(ResultCache.REGION, "confident")).isEqualTo(confident + ":{\"score\": 2, \"confidence\": 0.95}");
        assertThat(inRedis(ResultCache.REGION, "at-the-bar")).isEqualTo(atTheBar + ":{\"confidence\": 0.9}");
        assertThat(inRedis(ResultCache.REGION, "unsure")).isNull();
        assertThat(inRedis(ResultCache.REGION, "old")).isNull();
        assertThat(inRedis(ResultCache.REGION, "textual")).isNull();
        assertThat(inRedis(ResultCache.REGION, "none")).isNull();
        assertThat(inRedis("other-region", "other-region")).isNull();
        assertThat(unsure + old + textual + none + otherRegion).isPositive();
        assertThat(registry.get("zhiyue.cache.warmup.runs").tag("outcome", "completed").counter().count())
                .isPositive();
    }

    private long insert(String region, String key, String json, OffsetDateTime updatedAt) {
        return pool.preparedQuery("""
                        INSERT INTO entries (region, tenant_id, scope, key, value, version, updated_at)
                        VALUES ($1, $2, 'qv', $3, $4::text::jsonb, nextval('entry_version'), $5) RETURNING version""")
                .execute(Tuple.of(region, tenant, key, json, updatedAt)).await().atMost(WAIT)
                .iterator().next().getLong("version");
    }

    private String inRedis(String region, String key) {
        return redis.value(String.class).get(RedisKeys.entry(new EntryKey(region, tenant, "qv", key)));
    }
}
