package io.zhiyue.streams.lease;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two processes competing for one lease (two instances here): one leads, the other takes over with a larger token. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class LeaderLeaseTest {

    private static final Duration TTL = Duration.ofMillis(900);

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Vertx vertx;

    @Test
    void exactlyOneLeadsAndASuccessorTakesOverWithALargerToken() {
        String name = "test-" + UUID.randomUUID();
        LeaderLease a = new LeaderLease(name, TTL, redis, vertx);
        LeaderLease b = new LeaderLease(name, TTL, redis, vertx);
        a.start();
        b.start();
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> a.isLeader() || b.isLeader());
            for (int i = 0; i < 10; i++) {
                assertThat(a.isLeader() && b.isLeader()).as("never two leaders").isFalse();
                a.tick().await().atMost(Duration.ofSeconds(2));
                b.tick().await().atMost(Duration.ofSeconds(2));
            }
            LeaderLease leader = a.isLeader() ? a : b;
            LeaderLease follower = leader == a ? b : a;
            long firstToken = leader.fencingToken();

            leader.stop();

            await().atMost(TTL.multipliedBy(3)).until(follower::isLeader);
            assertThat(leader.isLeader()).isFalse();
            assertThat(follower.fencingToken()).isGreaterThan(firstToken);
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void aLeaseThatIsNotRenewedLapsesByItsHoldersOwnClock() {
        String name = "test-" + UUID.randomUUID();
        LeaderLease lease = new LeaderLease(name, TTL, redis, vertx);
        assertThat(lease.tick().await().atMost(Duration.ofSeconds(2))).isTrue();
        assertThat(lease.isLeader()).isTrue();

        await().atMost(TTL.multipliedBy(2)).until(() -> !lease.isLeader());
    }
}
