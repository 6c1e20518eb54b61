package io.zhiyue.cache.layered;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.health.CacheReadiness;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.cache.stream.CacheStatusEvents;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.zhiyue.cache.layered.TestCaches.WAIT;
import static io.zhiyue.cache.layered.TestCaches.newKey;
import static io.zhiyue.cache.layered.TestCaches.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis outage, on a Redis of this test's own (the devstack's is shared and never touched), under an instance
 * that shares the application's PostgreSQL: while Redis is frozen or down, reads and writes go to PostgreSQL with
 * the degraded flag set (readiness detail, gauge, SYSTEM_STATUS event); when it returns the flag clears by itself
 * and nothing stale is served, though the frozen Redis still held the older value.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class RedisOutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration PING = Duration.ofMillis(200);

    private static int port;
    private static RedisServer ownRedis;

    @Inject
    CacheConfig config;

    @Inject
    CacheEntryRepository repository;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    CacheStatusEvents statusEvents;

    private final List<CacheStatus> statuses = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void startOwnRedis() throws IOException {
        port = freePort();
        ownRedis = redisOn(port);
    }

    @AfterEach
    void thaw() throws Exception {
        if (ownRedis.isActive()) {
            signal("CONT");
        }
    }

    @AfterAll
    static void stopOwnRedis() throws IOException {
        ownRedis.stop();
    }

    @Test
    void aFrozenRedisDegradesTheCacheToPostgresAndItRecoversWithoutServingStaleValues() throws Exception {
        try (LayeredCache cache = instance()) {
            await().atMost(WAIT).until(cache::localLayerActive);
            EntryKey key = newKey();
            EntryKey deletedMeanwhile = newKey();
            long v1 = version(cache, key, "{\"score\": 1}");
            version(cache, deletedMeanwhile, "{\"score\": 9}");
            assertThat(read(cache, key).source()).isEqualTo(Layer.LOCAL);

            signal("STOP");
            await().atMost(WAIT).until(cache::degraded);
            assertThat(meters.get("zhiyue.cache.degraded").gauge().value()).isEqualTo(1.0);
            HealthCheckResponse readiness = CacheReadiness.describe(cache.state());
            assertThat(readiness.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(readiness.getData().orElseThrow()).containsEntry("degraded", true);
            assertThat(cache.peekLocal(key)).isNull();

            // reads and writes keep working, from PostgreSQL
            assertThat(read(cache, key)).isEqualTo(new Hit(new CachedValue("{\"score\": 1}", v1), Layer.POSTGRES));
            long v2 = version(cache, key, "{\"score\": 2}");
            assertThat(read(cache, key)).isEqualTo(new Hit(new CachedValue("{\"score\": 2}", v2), Layer.POSTGRES));
            cache.invalidate(deletedMeanwhile).await().atMost(WAIT);

            signal("CONT");
            await().atMost(WAIT).until(() -> !cache.degraded() && cache.localLayerActive());
            assertThat(meters.get("zhiyue.cache.degraded").gauge().value()).isEqualTo(0.0);
            // the thawed Redis still had version 1 and the deleted entry; the backlog replay retired both
            Lookup after = cache.getAll(List.of(key, deletedMeanwhile)).await().atMost(WAIT);
            assertThat(after.hits()).containsOnlyKeys(key);
            assertThat(after.hits().get(key).value()).isEqualTo(new CachedValue("{\"score\": 2}", v2));
            assertThat(read(cache, key).source()).isEqualTo(Layer.LOCAL);

            assertThat(statuses).extracting(CacheStatus::degraded).containsExactly(true, false);
            await().atMost(WAIT).until(() -> announced(cache.instance()),
                    events -> events.contains(CacheStatusEvents.DEGRADED) && events.contains(CacheStatusEvents.RECOVERED));
        }
    }

    @Test
    void aRedisThatStopsAndComesBackEmptyIsUsedAgainAndNothingIsLost() throws Exception {
        try (LayeredCache cache = instance()) {
            await().atMost(WAIT).until(cache::localLayerActive);
            EntryKey key = newKey();
            version(cache, key, "{\"score\": 1}");

            ownRedis.stop();
            await().atMost(WAIT).until(cache::degraded);
            long v2 = version(cache, key, "{\"score\": 2}");
            assertThat(read(cache, key).value()).isEqualTo(new CachedValue("{\"score\": 2}", v2));

            ownRedis = redisOn(port);
            await().atMost(WAIT).until(() -> !cache.degraded() && cache.localLayerActive());
            Hit after = read(cache, key);
            assertThat(after.value()).isEqualTo(new CachedValue("{\"score\": 2}", v2));
            assertThat(after.source()).isEqualTo(Layer.POSTGRES);
            assertThat(read(cache, key).source()).isEqualTo(Layer.LOCAL);
            cache.flushLocal();
            assertThat(read(cache, key).source()).isEqualTo(Layer.REDIS);
        }
    }

    private LayeredCache instance() {
        return TestCaches.instance(vertx, config, repository, "redis://127.0.0.1:" + port,
                settings -> settings.withRedisTimings(TIMEOUT, PING), null, status -> {
                    statuses.add(status);
                    statusEvents.publish(status).subscribe().with(done -> {
                    }, failure -> {
                    });
                }, meters);
    }

    /** The statuses this instance announced through the outbox. */
    private List<String> announced(String instance) {
        List<String> found = new ArrayList<>();
        for (Row row : pool.preparedQuery("SELECT payload FROM outbox WHERE type = 'SYSTEM_STATUS' AND payload LIKE $1")
                .execute(Tuple.of("%" + instance + "%")).await().atMost(WAIT)) {
            String payload = row.getString("payload");
            found.add(payload.contains("\"" + CacheStatusEvents.DEGRADED + "\"") ? CacheStatusEvents.DEGRADED
                    : CacheStatusEvents.RECOVERED);
        }
        return found;
    }

    /**
     * Sends a signal to this test's Redis only: the one redis-server that is a child of this JVM (the devstack's
     * runs under the devstack's own process and is never touched).
     */
    private static void signal(String signal) throws Exception {
        List<ProcessHandle> own = ProcessHandle.current().children()
                .filter(process -> process.info().command().map(command -> command.contains("redis-server"))
                        .orElse(false))
                .toList();
        assertThat(own).as("this test's Redis").hasSize(1);
        new ProcessBuilder("kill", "-" + signal, Long.toString(own.getFirst().pid())).inheritIO().start().waitFor();
    }

    private static RedisServer redisOn(int port) throws IOException {
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        return server;
    }

    private static long version(LayeredCache cache, EntryKey key, String json) {
        return cache.put(value(key, json)).await().atMost(WAIT).getFirst().value().version();
    }

    private static Hit read(LayeredCache cache, EntryKey key) {
        return cache.getAll(List.of(key)).await().atMost(WAIT).hits().get(key);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
