package io.zhiyue.streams.lease;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Two instances of a service (two lease holders here) and one of another service, sweeping one kind of data. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class RetentionSweepsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Vertx vertx;

    @Test
    void oneInstanceOfAServiceSweepsAKindAndAnotherTakesOverWhenItStops() {
        String kind = "test-" + UUID.randomUUID();
        LeaderLeases firstLeases = new LeaderLeases(redis, vertx);
        LeaderLeases secondLeases = new LeaderLeases(redis, vertx);
        SimpleMeterRegistry firstMeters = new SimpleMeterRegistry();
        RetentionSweeps first = new RetentionSweeps(firstLeases, "some-service", firstMeters);
        RetentionSweeps second = new RetentionSweeps(secondLeases, "some-service", new SimpleMeterRegistry());
        LeaderLeases otherLeases = new LeaderLeases(redis, vertx);
        RetentionSweeps otherService = new RetentionSweeps(otherLeases, "other-service", new SimpleMeterRegistry());
        AtomicInteger sweeps = new AtomicInteger();
        try {
            boolean firstRan = first.ifLeader(kind, () -> sweep(sweeps, 3)).await().atMost(WAIT);
            boolean secondRan = second.ifLeader(kind, () -> sweep(sweeps, 3)).await().atMost(WAIT);
            assertThat(firstRan).as("the first instance takes the free lease and sweeps").isTrue();
            assertThat(secondRan).as("the second skips its turn").isFalse();
            assertThat(sweeps).hasValue(1);
            assertThat(first.ifLeader(kind, () -> sweep(sweeps, 2)).await().atMost(WAIT)).as("the leader again").isTrue();
            assertThat(firstMeters.get("zhiyue.retention.deleted").tag("kind", kind).counter().count()).isEqualTo(5.0);
            assertThat(otherService.ifLeader(kind, () -> sweep(sweeps, 0)).await().atMost(WAIT))
                    .as("another service's data of the same kind has a lease of its own").isTrue();

            firstLeases.onStop(null);
            assertThat(second.ifLeader(kind, () -> sweep(sweeps, 1)).await().atMost(WAIT))
                    .as("a stopped leader gives the lease up, and the other instance sweeps").isTrue();
            assertThat(sweeps).hasValue(4);

            secondLeases.onStop(null);
            assertThat(first.ifLeader(kind, () -> sweep(sweeps, 1)).await().atMost(WAIT))
                    .as("a stopped instance does not take the free lease again (nothing would renew it)").isFalse();
            assertThat(sweeps).hasValue(4);
        } finally {
            firstLeases.onStop(null);
            secondLeases.onStop(null);
            otherLeases.onStop(null);
        }
    }

    private static Uni<Integer> sweep(AtomicInteger sweeps, int deleted) {
        return Uni.createFrom().item(() -> {
            sweeps.incrementAndGet();
            return deleted;
        });
    }
}
