package io.zhiyue.streams.health;

import io.zhiyue.streams.consumer.GroupConsumer;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.tail.StreamTails;
import io.zhiyue.streams.tail.TailReader;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;

/** Not ready while a consumer's or tail reader's thread died or has not read its stream for a while. */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {

    private static final Duration MAX_SILENCE = Duration.ofSeconds(30);

    private final StreamConsumers consumers;
    private final StreamTails tails;

    public StreamsReadiness(StreamConsumers consumers, StreamTails tails) {
        this.consumers = consumers;
        this.tails = tails;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Redis Streams").up();
        for (GroupConsumer consumer : consumers.consumers()) {
            String name = consumer.stream() + " / " + consumer.group();
            boolean healthy = consumer.healthy(MAX_SILENCE);
            response.withData(name, (healthy ? "consuming" : "stalled") + " as " + consumer.consumer()
                    + ", pending " + consumer.pending() + ", lag " + consumer.lag());
            if (!healthy) {
                response.down();
            }
        }
        Instant recent = Instant.now().minus(MAX_SILENCE);
        for (TailReader reader : tails.readers()) {
            boolean healthy = reader.isRunning() && reader.lastRead().map(recent::isBefore).orElse(false);
            response.withData(reader.stream(), healthy ? "tailing" : "stalled");
            if (!healthy) {
                response.down();
            }
        }
        return response.build();
    }
}
