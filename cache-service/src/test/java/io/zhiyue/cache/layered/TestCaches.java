package io.zhiyue.cache.layered;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.cache.repository.CacheEntryRepository.NewValue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/** Keys, values and further cache instances (own memory and meters; the application's PostgreSQL) for tests. */
final class TestCaches {

    static final String REGION = "layered-test";
    static final Duration WAIT = Duration.ofSeconds(15);

    private TestCaches() {
    }

    /** A key no other test uses. */
    static EntryKey newKey() {
        return new EntryKey(REGION, "tenant-" + UUID.randomUUID(), "qv-" + UUID.randomUUID(), "k-" + UUID.randomUUID());
    }

    static EntryKey inScopeOf(EntryKey key) {
        return new EntryKey(key.region(), key.tenant(), key.scope(), "k-" + UUID.randomUUID());
    }

    static List<NewValue> value(EntryKey key, String json) {
        return List.of(new NewValue(key, json));
    }

    /** Another instance on the Redis at {@code redisUrl}, started; its Redis layer may be replaced by a test's. */
    static LayeredCache instance(Vertx vertx, CacheConfig config, CacheEntryRepository repository, String redisUrl,
            Function<CacheSettings, CacheSettings> tuning, Function<CacheSettings, RedisLayer> redisLayer,
            Consumer<CacheStatus> listener) {
        return instance(vertx, config, repository, redisUrl, tuning, redisLayer, listener, new SimpleMeterRegistry());
    }

    static LayeredCache instance(Vertx vertx, CacheConfig config, CacheEntryRepository repository, String redisUrl,
            Function<CacheSettings, CacheSettings> tuning, Function<CacheSettings, RedisLayer> redisLayer,
            Consumer<CacheStatus> listener, MeterRegistry registry) {
        CacheSettings settings = tuning.apply(CacheSettings.from(config));
        RedisLayer redis = redisLayer != null ? redisLayer.apply(settings) : new RedisLayer(vertx, redisUrl, settings);
        LayeredCache cache = new LayeredCache(vertx, settings, repository, redis, registry,
                "test-" + UUID.randomUUID(), listener);
        cache.start();
        return cache;
    }

    /** Another healthy instance on the application's Redis, once it hears invalidations. */
    static LayeredCache active(Vertx vertx, CacheConfig config, CacheEntryRepository repository, String redisUrl) {
        LayeredCache cache = instance(vertx, config, repository, redisUrl, settings -> settings, null, status -> {
        });
        await().atMost(WAIT).until(cache::localLayerActive);
        return cache;
    }
}
