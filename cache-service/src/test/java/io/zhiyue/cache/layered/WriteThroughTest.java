package io.zhiyue.cache.layered;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgException;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.cache.repository.CacheEntryRepository.StoredEntry;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.zhiyue.cache.layered.TestCaches.WAIT;
import static io.zhiyue.cache.layered.TestCaches.newKey;
import static io.zhiyue.cache.layered.TestCaches.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Write-through when one side fails. PostgreSQL refusing is the caller's error and leaves Redis and memory as they
 * were; Redis refusing after PostgreSQL took the write leaves the write standing, makes the writer degraded and
 * leaves no layer anywhere with the older value.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class WriteThroughTest {

    /** Long enough that the instance under test does not recover while the test looks at it. */
    private static final Duration NO_PROBE = Duration.ofHours(1);

    @Inject
    LayeredCache cache;

    @Inject
    CacheConfig config;

    @Inject
    CacheEntryRepository repository;

    @Inject
    Vertx vertx;

    @Inject
    RedisDataSource redis;

    @Inject
    DataSource jdbc;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    @BeforeEach
    void hearsInvalidations() {
        await().atMost(WAIT).until(cache::localLayerActive);
    }

    @Test
    void aPostgresFailureIsTheCallersAndRedisAndMemoryKeepWhatTheyHad() throws Exception {
        EntryKey key = newKey();
        long v1 = version(cache.put(value(key, "{\"score\": 1}")));
        try (Connection connection = jdbc.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("LOCK TABLE cache.entries IN ACCESS EXCLUSIVE MODE");
            assertThatThrownBy(() -> cache.put(value(key, "{\"score\": 2}")).await().atMost(WAIT))
                    .isInstanceOf(PgException.class)
                    .satisfies(failure -> assertThat(((PgException) failure).getSqlState()).isEqualTo("55P03"));
            connection.rollback();
        }
        assertThat(redis.value(String.class).get(RedisKeys.entry(key))).isEqualTo(v1 + ":{\"score\": 1}");
        assertThat(cache.peekLocal(key).version()).isEqualTo(v1);
        assertThat(cache.degraded()).isFalse();
        assertThat(stored(key).value().version()).isEqualTo(v1);
    }

    @Test
    void aRedisFailureAfterThePostgresWriteLeavesItStandingAndNoStaleCopyAnywhere() {
        EntryKey key = newKey();
        long v1 = version(cache.put(value(key, "{\"score\": 1}")));
        List<CacheStatus> statuses = new CopyOnWriteArrayList<>();
        try (LayeredCache writer = TestCaches.instance(vertx, config, repository, redisUrl,
                settings -> settings.withRedisTimings(settings.redisTimeout(), NO_PROBE),
                settings -> new RedisLayer(vertx, redisUrl, settings) {
                    @Override
                    public Uni<Integer> write(List<Write> writes, String channel, String message) {
                        return Uni.createFrom().failure(new RedisUnavailableException("SET refused (test)", null));
                    }
                }, statuses::add)) {
            await().atMost(WAIT).until(writer::localLayerActive);
            assertThat(read(writer, key).source()).isEqualTo(Layer.REDIS);
            assertThat(writer.peekLocal(key).version()).isEqualTo(v1);

            long v2 = version(writer.put(value(key, "{\"score\": 2}")));

            assertThat(v2).isGreaterThan(v1);
            assertThat(stored(key).value()).isEqualTo(new CachedValue("{\"score\": 2}", v2));
            assertThat(writer.degraded()).isTrue();
            assertThat(statuses).singleElement().satisfies(status -> {
                assertThat(status.degraded()).isTrue();
                assertThat(status.reason()).contains("SET refused (test)");
            });
            assertThat(writer.peekLocal(key)).isNull();
            // the older value is tombstoned in Redis, and the other instance dropped its copy
            assertThat(redis.value(String.class).get(RedisKeys.entry(key))).isEqualTo(v2 + ":");
            await().atMost(WAIT).until(() -> cache.peekLocal(key) == null);
            Hit everywhere = read(cache, key);
            assertThat(everywhere.version()).isEqualTo(v2);
            assertThat(everywhere.source()).isEqualTo(Layer.POSTGRES);
            // degraded, the writer still reads and writes through PostgreSQL
            assertThat(read(writer, key)).isEqualTo(new Hit(new CachedValue("{\"score\": 2}", v2), Layer.POSTGRES));
        }
    }

    @Test
    void changesMadeWhereRedisIsUnreachableAreReplayedByAnInstanceThatReachesIt() throws Exception {
        EntryKey key = newKey();
        long v1 = version(cache.put(value(key, "{\"score\": 1}")));
        assertThat(cache.peekLocal(key).version()).isEqualTo(v1);
        String sameRedis = new RedisLayer(vertx, redisUrl, CacheSettings.from(config)).target();
        String unreachable = "redis://127.0.0.1:" + io.zhiyue.devstack.Ports.unused();
        try (LayeredCache cutOff = TestCaches.instance(vertx, config, repository, redisUrl,
                settings -> settings.withRedisTimings(Duration.ofMillis(300), NO_PROBE),
                settings -> new RedisLayer(vertx, unreachable, settings) {
                    @Override
                    public String target() {
                        return sameRedis; // the same Redis, out of this instance's reach
                    }
                }, status -> {
                })) {
            await().atMost(WAIT).until(cutOff::degraded);

            long v2 = version(cutOff.put(value(key, "{\"score\": 2}")));
            assertThat(read(cutOff, key)).isEqualTo(new Hit(new CachedValue("{\"score\": 2}", v2), Layer.POSTGRES));
            // the application's instance replays the backlog: Redis's older value goes, so does its own copy
            await().atMost(WAIT).until(() -> (v2 + ":").equals(redis.value(String.class).get(RedisKeys.entry(key))));
            await().atMost(WAIT).until(() -> cache.peekLocal(key) == null);
            assertThat(read(cache, key).version()).isEqualTo(v2);

            long deletion = cutOff.invalidate(key).await().atMost(WAIT);
            await().atMost(WAIT).until(() -> (deletion + ":").equals(redis.value(String.class).get(RedisKeys.entry(key))));
            await().atMost(WAIT).until(() -> cache.peekLocal(key) == null);
            assertThat(cache.getAll(List.of(key)).await().atMost(WAIT).hits()).isEmpty();
        }
    }

    private StoredEntry stored(EntryKey key) {
        return repository.find(List.of(key)).await().atMost(WAIT).getFirst();
    }

    private static long version(Uni<List<StoredEntry>> put) {
        return put.await().atMost(WAIT).getFirst().value().version();
    }

    private static Hit read(LayeredCache cache, EntryKey key) {
        return cache.getAll(List.of(key)).await().atMost(WAIT).hits().get(key);
    }
}
