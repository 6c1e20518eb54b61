package io.zhiyue.streams.lease;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Creates leader leases and gives them up on shutdown, so a successor need not wait for expiry. */
@ApplicationScoped
public class LeaderLeases {

    private final ReactiveRedisDataSource redis;
    private final Vertx vertx;
    private final List<LeaderLease> leases = new CopyOnWriteArrayList<>();

    public LeaderLeases(ReactiveRedisDataSource redis, Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
    }

    /** Competes for the lease {@code zhiyue:lease:<name>} from now on. */
    public LeaderLease compete(String name, Duration ttl) {
        LeaderLease lease = new LeaderLease(name, ttl, redis, vertx);
        lease.start();
        leases.add(lease);
        return lease;
    }

    void onStop(@Observes @Priority(20) ShutdownEvent event) {
        for (LeaderLease lease : leases) {
            try {
                lease.stop();
            } catch (RuntimeException e) {
                // it expires by itself
            }
        }
        leases.clear();
    }
}
