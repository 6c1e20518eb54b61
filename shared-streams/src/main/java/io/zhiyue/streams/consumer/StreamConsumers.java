package io.zhiyue.streams.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.zhiyue.streams.config.StreamsConfig;
import io.zhiyue.streams.status.InstanceName;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts group consumers for a service and stops them, draining, before the connections close.
 * Every consumer of this process has one name, {@code <pid>@<host>-<random>}, new at every start.
 */
@ApplicationScoped
public class StreamConsumers {

    /** Stopping waits at most this long for handlers in progress (within quarkus.shutdown.timeout). */
    private static final Duration DRAIN = Duration.ofSeconds(10);

    private final RedisDataSource redis;
    private final StreamsConfig config;
    private final Tracer tracer;
    private final MeterRegistry registry;
    private final String consumerName = InstanceName.process() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<GroupConsumer> consumers = new CopyOnWriteArrayList<>();

    public StreamConsumers(RedisDataSource redis, StreamsConfig config, Tracer tracer, MeterRegistry registry) {
        this.redis = redis;
        this.config = config;
        this.tracer = tracer;
        this.registry = registry;
    }

    /** Joins {@code group} of {@code stream} (creating both if needed) with {@code workers} threads. */
    public GroupConsumer start(String stream, String group, int workers, StreamHandler handler) {
        GroupConsumer consumer = new GroupConsumer(stream, group, consumerName, workers, handler, redis, config,
                tracer, registry);
        consumer.start();
        consumers.add(consumer);
        return consumer;
    }

    public List<GroupConsumer> consumers() {
        return List.copyOf(consumers);
    }

    public String consumerName() {
        return consumerName;
    }

    void onStop(@Observes @Priority(10) ShutdownEvent event) {
        consumers.parallelStream().forEach(consumer -> consumer.stop(DRAIN));
        consumers.clear();
    }
}
