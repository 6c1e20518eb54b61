package io.zhiyue.cache.layered;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.zhiyue.cache.layered.TestCaches.WAIT;
import static io.zhiyue.cache.layered.TestCaches.newKey;
import static io.zhiyue.cache.layered.TestCaches.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pub/Sub invalidation between two instances sharing PostgreSQL and Redis, each with its own memory: a change on
 * one drops the other's copy; an invalidation older than one already seen is ignored.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class InvalidationTest {

    @Inject
    LayeredCache first;

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

    LayeredCache second;

    @BeforeEach
    void secondInstance() {
        await().atMost(WAIT).until(first::localLayerActive);
        second = TestCaches.active(vertx, config, repository, redisUrl);
    }

    @AfterEach
    void close() {
        second.close();
    }

    @Test
    void aWriteOnOneInstanceDropsTheOthersCopyAndTheNextReadSeesTheNewValue() {
        EntryKey key = newKey();
        long v1 = version(first.put(value(key, "{\"score\": 1}")));
        assertThat(read(second, key).source()).isEqualTo(Layer.REDIS);
        assertThat(second.peekLocal(key).version()).isEqualTo(v1);

        long v2 = version(first.put(value(key, "{\"score\": 2}")));
        await().atMost(WAIT).until(() -> second.peekLocal(key) == null);
        Hit after = read(second, key);
        assertThat(after.version()).isEqualTo(v2);
        assertThat(after.json()).isEqualTo("{\"score\": 2}");

        // and the other way round
        long v3 = version(second.put(value(key, "{\"score\": 3}")));
        await().atMost(WAIT).until(() -> first.peekLocal(key) == null || first.peekLocal(key).version() == v3);
        assertThat(read(first, key).json()).isEqualTo("{\"score\": 3}");
    }

    @Test
    void deletingAKeyOrAScopeOnOneInstanceDropsTheOthersCopies() {
        EntryKey key = newKey();
        EntryKey sibling = TestCaches.inScopeOf(key);
        first.put(value(key, "{\"n\": 1}")).await().atMost(WAIT);
        first.put(value(sibling, "{\"n\": 2}")).await().atMost(WAIT);
        second.getAll(List.of(key, sibling)).await().atMost(WAIT);
        assertThat(second.peekLocal(key)).isNotNull();
        assertThat(second.peekLocal(sibling)).isNotNull();

        first.invalidate(key).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> second.peekLocal(key) == null);
        assertThat(second.peekLocal(sibling)).isNotNull();
        assertThat(second.getAll(List.of(key)).await().atMost(WAIT).hits()).isEmpty();

        first.invalidateScope(key.scopeKey()).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> second.peekLocal(sibling) == null);
        assertThat(second.getAll(List.of(key, sibling)).await().atMost(WAIT).hits()).isEmpty();
    }

    @Test
    void anInvalidationOlderThanOneAlreadySeenIsIgnored() {
        EntryKey key = newKey();
        long v1 = version(first.put(value(key, "{\"score\": 1}")));
        assertThat(read(second, key).version()).isEqualTo(v1);
        long v2 = version(first.put(value(key, "{\"score\": 2}")));
        await().atMost(WAIT).until(() -> second.peekLocal(key) == null);
        assertThat(read(second, key).version()).isEqualTo(v2);
        double ignored = second.metrics().ignoredInvalidations();

        // version 1's invalidation arrives late, after version 2's
        publish(new InvalidationMessage("elsewhere", List.of(Invalidation.of(key, v1))));
        await().atMost(WAIT).until(() -> second.metrics().ignoredInvalidations() > ignored);
        assertThat(second.peekLocal(key).version()).isEqualTo(v2);
        assertThat(read(second, key).source()).isEqualTo(Layer.LOCAL);
    }

    @Test
    void aMessageThatIsNotAnInvalidationChangesNothing() {
        EntryKey key = newKey();
        first.put(value(key, "{\"score\": 1}")).await().atMost(WAIT);
        read(second, key);
        redis.pubsub(String.class).publish(config.redis().invalidationChannel(), "not json");
        long v2 = version(first.put(value(key, "{\"score\": 2}")));
        // the channel still works after the bad message
        await().atMost(WAIT).until(() -> second.peekLocal(key) == null);
        assertThat(read(second, key).version()).isEqualTo(v2);
    }

    private void publish(InvalidationMessage message) {
        redis.pubsub(String.class).publish(config.redis().invalidationChannel(), JsonCodec.write(message));
    }

    private static long version(Uni<List<CacheEntryRepository.StoredEntry>> put) {
        return put.await().atMost(WAIT).getFirst().value().version();
    }

    private static Hit read(LayeredCache cache, EntryKey key) {
        return cache.getAll(List.of(key)).await().atMost(WAIT).hits().get(key);
    }
}
