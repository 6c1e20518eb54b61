package io.zhiyue.cache.layered;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.zhiyue.cache.layered.TestCaches.WAIT;
import static io.zhiyue.cache.layered.TestCaches.newKey;
import static io.zhiyue.cache.layered.TestCaches.value;
import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent misses of one key load it once: 100 callers at once, one Redis read, one PostgreSQL read. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class StampedeTest {

    private static final int CALLERS = 100;

    @Inject
    LayeredCache writer;

    @Inject
    CacheConfig config;

    @Inject
    CacheEntryRepository repository;

    @Inject
    Vertx vertx;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    @Test
    void aHundredConcurrentMissesOfOneKeyMakeOnePostgresLoad() throws Exception {
        EntryKey key = newKey();
        long version = writer.put(value(key, "{\"score\": 4}")).await().atMost(WAIT).getFirst().value().version();
        redis.key().del(RedisKeys.entry(key)); // only PostgreSQL holds it now
        try (LayeredCache cold = TestCaches.active(vertx, config, repository, redisUrl);
             ExecutorService callers = Executors.newFixedThreadPool(CALLERS)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Hit>> reads = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                reads.add(callers.submit(() -> {
                    go.await();
                    return cold.getAll(List.of(key)).await().atMost(WAIT).hits().get(key);
                }));
            }
            go.countDown();
            for (Future<Hit> read : reads) {
                Hit hit = read.get();
                assertThat(hit.version()).isEqualTo(version);
                assertThat(hit.json()).isEqualTo("{\"score\": 4}");
            }
            assertThat(cold.metrics().loads(Layer.POSTGRES)).isEqualTo(1);
            assertThat(cold.metrics().loads(Layer.REDIS)).isEqualTo(1);
            assertThat(cold.metrics().hits(Layer.POSTGRES)).isEqualTo(1);
        }
    }
}
