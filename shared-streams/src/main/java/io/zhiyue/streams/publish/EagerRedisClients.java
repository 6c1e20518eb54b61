package io.zhiyue.streams.publish;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Creates the Redis data sources on the start-up thread before any stream work starts. Quarkus
 * 3.30 creates them lazily through a plain HashMap (RedisClientRecorder), so the first use from
 * an event loop (the outbox relay) racing the first use from start-up (a tail reader) can fail
 * with ConcurrentModificationException.
 */
@ApplicationScoped
public class EagerRedisClients {

    void onStart(@Observes @Priority(1) StartupEvent event, RedisDataSource blocking, ReactiveRedisDataSource reactive) {
        blocking.getReactive();
        reactive.getRedis();
    }
}
