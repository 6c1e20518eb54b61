package io.zhiyue.cache.layered;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.cache.repository.CacheEntryRepository.NewValue;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.zhiyue.cache.layered.TestCaches.WAIT;
import static io.zhiyue.cache.layered.TestCaches.newKey;
import static io.zhiyue.cache.layered.TestCaches.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each layer of the application's cache: a value put is read from memory; without the memory it comes from Redis
 * and fills the memory again; without Redis it comes from PostgreSQL and fills both; a batch asks each layer once.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class LayeredCacheLayersTest {

    @Inject
    LayeredCache cache;

    @Inject
    RedisDataSource redis;

    @BeforeEach
    void hearsInvalidations() {
        await().atMost(WAIT).until(cache::localLayerActive);
    }

    @Test
    void aValueComesFromTheFastestLayerHoldingItAndFillsTheLayersAbove() {
        EntryKey key = newKey();
        long version = cache.put(value(key, "{\"score\": 2.5}")).await().atMost(WAIT).getFirst().value().version();

        double localHits = cache.metrics().hits(Layer.LOCAL);
        assertThat(read(key)).isEqualTo(new Hit(new CachedValue("{\"score\": 2.5}", version), Layer.LOCAL));
        assertThat(cache.metrics().hits(Layer.LOCAL)).isEqualTo(localHits + 1);

        cache.flushLocal();
        assertThat(cache.peekLocal(key)).isNull();
        double redisHits = cache.metrics().hits(Layer.REDIS);
        assertThat(read(key).source()).isEqualTo(Layer.REDIS);
        assertThat(cache.metrics().hits(Layer.REDIS)).isEqualTo(redisHits + 1);
        assertThat(cache.peekLocal(key).version()).isEqualTo(version);
        assertThat(read(key).source()).isEqualTo(Layer.LOCAL);

        cache.flushLocal();
        redis.key().del(RedisKeys.entry(key));
        double postgresHits = cache.metrics().hits(Layer.POSTGRES);
        Hit fromPostgres = read(key);
        assertThat(fromPostgres.source()).isEqualTo(Layer.POSTGRES);
        assertThat(fromPostgres.json()).isEqualTo("{\"score\": 2.5}");
        assertThat(cache.metrics().hits(Layer.POSTGRES)).isEqualTo(postgresHits + 1);
        // both layers above were filled
        assertThat(cache.peekLocal(key).version()).isEqualTo(version);
        assertThat(redis.value(String.class).get(RedisKeys.entry(key))).isEqualTo(version + ":{\"score\": 2.5}");
        assertThat(read(key).source()).isEqualTo(Layer.LOCAL);
        cache.flushLocal();
        assertThat(read(key).source()).isEqualTo(Layer.REDIS);
    }

    @Test
    void aBatchAsksEachLayerOnceAndAnswersTheDeepestLayerItNeeded() {
        EntryKey inMemory = newKey();
        EntryKey inRedis = newKey();
        EntryKey inPostgres = newKey();
        EntryKey nowhere = newKey();
        for (EntryKey key : List.of(inMemory, inRedis, inPostgres)) {
            cache.put(value(key, "{\"key\": \"" + key.key() + "\"}")).await().atMost(WAIT);
        }
        cache.flushLocal();
        redis.key().del(RedisKeys.entry(inPostgres));
        assertThat(read(inMemory).source()).isEqualTo(Layer.REDIS);

        long redisLoads = cache.metrics().loads(Layer.REDIS);
        long postgresLoads = cache.metrics().loads(Layer.POSTGRES);
        Lookup lookup = cache.getAll(List.of(inMemory, inRedis, inPostgres, nowhere)).await().atMost(WAIT);
        assertThat(lookup.hits()).containsOnlyKeys(inMemory, inRedis, inPostgres);
        assertThat(lookup.hits().get(inMemory).source()).isEqualTo(Layer.LOCAL);
        assertThat(lookup.hits().get(inRedis).source()).isEqualTo(Layer.REDIS);
        assertThat(lookup.hits().get(inPostgres).source()).isEqualTo(Layer.POSTGRES);
        assertThat(lookup.hits().get(inPostgres).json()).isEqualTo("{\"key\": \"" + inPostgres.key() + "\"}");
        assertThat(lookup.deepest()).isEqualTo(Layer.POSTGRES);
        assertThat(cache.metrics().loads(Layer.REDIS)).isEqualTo(redisLoads + 1);
        assertThat(cache.metrics().loads(Layer.POSTGRES)).isEqualTo(postgresLoads + 1);

        Lookup again = cache.getAll(List.of(inMemory, inRedis, inPostgres)).await().atMost(WAIT);
        assertThat(again.deepest()).isEqualTo(Layer.LOCAL);
    }

    @Test
    void aDeletedValueIsGoneFromEveryLayer() {
        EntryKey key = newKey();
        cache.put(value(key, "{\"a\": 1}")).await().atMost(WAIT);
        long deletion = cache.invalidate(key).await().atMost(WAIT);
        assertThat(cache.peekLocal(key)).isNull();
        assertThat(redis.value(String.class).get(RedisKeys.entry(key))).isEqualTo(deletion + ":");
        Lookup lookup = cache.getAll(List.of(key)).await().atMost(WAIT);
        assertThat(lookup.hits()).isEmpty();
        assertThat(lookup.deepest()).isEqualTo(Layer.POSTGRES);
    }

    @Test
    void aScopeInvalidationDropsEveryKeyOfTheScopeInRedisWithoutScanning() {
        EntryKey first = newKey();
        EntryKey second = TestCaches.inScopeOf(first);
        EntryKey otherScope = newKey();
        cache.put(List.of(new NewValue(first, "{\"n\": 1}"),
                new NewValue(second, "{\"n\": 2}"),
                new NewValue(otherScope, "{\"n\": 3}")))
                .await().atMost(WAIT);
        assertThat(redis.set(String.class).smembers(RedisKeys.members(first.scopeKey())))
                .containsExactlyInAnyOrder(RedisKeys.entry(first), RedisKeys.entry(second));

        long deletion = cache.invalidateScope(first.scopeKey()).await().atMost(WAIT);
        assertThat(redis.key().exists(RedisKeys.entry(first))).isFalse();
        assertThat(redis.key().exists(RedisKeys.entry(second))).isFalse();
        assertThat(redis.key().exists(RedisKeys.members(first.scopeKey()))).isFalse();
        assertThat(redis.value(String.class).get(RedisKeys.floor(first.scopeKey()))).isEqualTo(Long.toString(deletion));
        assertThat(cache.getAll(List.of(first, second, otherScope)).await().atMost(WAIT).hits())
                .containsOnlyKeys(otherScope);
    }

    private Hit read(EntryKey key) {
        return cache.getAll(List.of(key)).await().atMost(WAIT).hits().get(key);
    }
}
